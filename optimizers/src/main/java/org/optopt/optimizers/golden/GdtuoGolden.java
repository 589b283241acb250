package org.optopt.optimizers.golden;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.hyper.RegistryCatalog;
import org.optopt.optimizers.hyper.HyperOptimizer;
import org.optopt.optimizers.hyper.LevelSpec;
import org.optopt.optimizers.spec.Towers;

/**
 * Golden trajectories of hypergradient towers written by the gdtuo reference implementation
 * ({@code gdtuo-*.json}, see the golden README). The tower is read from the file's {@code levels}
 * — gdtuo constructors, level 0 first, {@code {"class": "Adam", "args": {"alpha": 0.01}}} — so any
 * stack of gdtuo's classes ({@value #CLASS_NAMES}) of any height replays; absent arguments take
 * gdtuo's defaults ({@link RegistryCatalog#gdtuo()}). Every step's parameters and every level's stored
 * hyperparameters are compared.
 *
 * <p>The relative tolerance is the file's optional field {@code tolerance}, else {@link #TOLERANCE}: a stack
 * whose learned step sizes grow large amplifies float32 rounding, so gdtuo's own float32 and float64 runs
 * of it can differ by more than 1e-4, and its file states the tolerance that this spread allows.
 *
 * <p>A hyper-level constructed with {@code alpha = 0} changes nothing below it; it is replayed as
 * a frozen level (our towers refuse a learning level with step size 0, gdtuo does not).
 */
public final class GdtuoGolden implements GoldenFormat {
    /** The relative tolerance of the comparison ({@link ErrorMeter}). */
    public static final double TOLERANCE = 1e-4;

    /** gdtuo's optimizer classes, as the README names them. */
    static final String CLASS_NAMES = "SGD, AdaGrad, RMSProp, Adam";

    /** gdtuo's class names and the gdtuo-variant names of their rules. */
    private static final Map<String, String> CLASSES = Map.of("SGD", "sgd", "AdaGrad", "adagrad", "RMSProp", "rmsprop",
            "Adam", "adam");

    private final RegistryCatalog catalog = RegistryCatalog.gdtuo();

    @Override
    public String name() {
        return "gdtuo";
    }

    @Override
    public boolean accepts(Map<String, Object> json) {
        return json.containsKey("levels") && json.containsKey("trajectory") && json.containsKey("hyperparameters_per_step");
    }

    /**
     * The tower of the file's {@code levels}, level 0 first.
     *
     * @throws IllegalArgumentException naming the field of an unknown class or argument or an invalid value
     */
    public Towers.Spec tower(Map<String, Object> json) {
        List<Object> levels = JsonFields.array(JsonFields.field(json, "levels", "$"), "$.levels");
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("Field $.levels holds no level");
        }
        List<LevelSpec> specs = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (int k = 0; k < levels.size(); k++) {
            String path = "$.levels[" + k + "]";
            Map<String, Object> level = JsonFields.object(levels.get(k), path);
            String cls = JsonFields.string(JsonFields.field(level, "class", path), path + ".class");
            String name = CLASSES.get(cls);
            if (name == null) {
                throw new IllegalArgumentException("Field " + path + ".class: unknown gdtuo class '" + cls + "'; known: "
                        + CLASS_NAMES);
            }
            Map<String, Object> args = level.containsKey("args")
                    ? new LinkedHashMap<>(JsonFields.object(level.get("args"), path + ".args")) : Map.of();
            LevelSpec spec;
            try {
                spec = catalog.level(name, null, args);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Field " + path + ": " + e.getMessage(), e);
            }
            specs.add(spec.frozen(k > 0 && spec.values().get(spec.stepSize()) == 0));
            text.add(name + args.toString().replace('{', '(').replace('}', ')').replace(" ", ""));
        }
        return new Towers.Spec(Towers.GDTUO_PREFIX + String.join("/", text), specs);
    }

    @Override
    public GoldenResult replay(Map<String, Object> json, String source, Backend backend) {
        Towers.Spec stack = tower(json);
        List<Object> hypers = JsonFields.array(JsonFields.field(json, "hyperparameters_per_step", "$"),
                "$.hyperparameters_per_step");
        ErrorMeter meter = new ErrorMeter();
        try (QuarticProblem problem = new QuarticProblem(json, backend);
             HyperOptimizer tower = stack.build(problem.parameterSet(), backend)) {
            Trajectory trajectory = new Trajectory(json, problem.steps());
            if (hypers.size() != problem.steps()) {
                throw new IllegalArgumentException("Field $.hyperparameters_per_step has " + hypers.size()
                        + " steps, $.steps is " + problem.steps());
            }
            for (int t = 0; t < problem.steps(); t++) {
                problem.computeGradients(t);
                tower.step();
                trajectory.compare(t, problem.parameters(), meter);
                compareHyperparameters(t, JsonFields.array(hypers.get(t), "$.hyperparameters_per_step[" + t + "]"),
                        tower, meter);
            }
            return new GoldenResult(source, name(), stack.text(), problem.steps(), meter.compared(), meter.maxAbs(),
                    meter.maxRel(), OptoptGolden.tolerance(json, TOLERANCE), meter.worst());
        }
    }

    private static void compareHyperparameters(int t, List<Object> levels, HyperOptimizer tower, ErrorMeter meter) {
        String at = "$.hyperparameters_per_step[" + t + "]";
        if (levels.size() != tower.height()) {
            throw new IllegalArgumentException("Field " + at + " has " + levels.size() + " levels, $.levels has "
                    + tower.height());
        }
        for (int k = 0; k < levels.size(); k++) {
            Map<String, Object> ref = JsonFields.object(levels.get(k), at + "[" + k + "]");
            Map<String, Double> ours = tower.storedHyperparameters(k, ParameterSet.DEFAULT_GROUP);
            for (Map.Entry<String, Object> e : ref.entrySet()) {
                Double v = ours.get(e.getKey());
                if (v == null) {
                    throw new IllegalArgumentException("Field " + at + "[" + k + "]." + e.getKey() + ": level " + k
                            + " has no hyperparameter " + e.getKey() + "; it has " + ours.keySet());
                }
                meter.compare("step " + (t + 1) + " level " + k + " " + e.getKey(), v,
                        JsonFields.number(e.getValue(), at + "[" + k + "]." + e.getKey()));
            }
        }
    }
}
