package org.optopt.optimizers.golden;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.hyper.HyperOptimizer;
import org.optopt.optimizers.hyper.Towers;

/**
 * Golden trajectories of hypergradient towers written by the gdtuo reference implementation
 * ({@code gdtuo-*.json}, see the golden README): the file names a {@code stack}; {@link #STACKS}
 * gives the constructors the README lists for it, as a stack of gdtuo levels
 * ({@code Towers.parse("gdtuo:" + constructors)}). Every
 * step's parameters and every level's stored hyperparameters are compared.
 */
public final class GdtuoGolden implements GoldenFormat {
    /** The relative tolerance of the comparison ({@link ErrorMeter}). */
    public static final double TOLERANCE = 1e-4;

    /** The golden files' stacks and the constructors used for them, in our stack grammar. */
    public static final Map<String, String> STACKS = Map.of(
            "sgd/sgd", "sgd(0.01)/sgd(0.01)",
            "sgd/sgd/sgd", "sgd(0.01)/sgd(1e-4)/sgd(1e-8)",
            "sgdm/sgd", "sgd(0.01, mu=0.9)/sgd(0.001)",
            "adagrad/sgd", "adagrad(0.05)/sgd(0.01)",
            "rmsprop/sgd", "rmsprop(0.01, gamma=0.99)/sgd(1e-4)",
            "adam/sgd", "adam(0.01)/sgd(1e-4)",
            "adam/adam", "adam(0.01)/adam");

    @Override
    public String name() {
        return "gdtuo";
    }

    @Override
    public boolean accepts(Map<String, Object> json) {
        return json.containsKey("stack") && json.containsKey("trajectory") && json.containsKey("hyperparameters_per_step");
    }

    /**
     * Our stack for gdtuo stack {@code stack}.
     *
     * @throws IllegalArgumentException listing the supported stacks if there is none
     */
    public static String constructors(String stack) {
        String s = STACKS.get(stack);
        if (s == null) {
            throw new IllegalArgumentException("Unsupported gdtuo stack '" + stack + "'; supported: "
                    + STACKS.keySet().stream().sorted().toList());
        }
        return s;
    }

    @Override
    public GoldenResult replay(Map<String, Object> json, String source, Backend backend) {
        String stack = constructors(JsonFields.string(JsonFields.field(json, "stack", "$"), "$.stack"));
        List<Object> trajectory = JsonFields.array(JsonFields.field(json, "trajectory", "$"), "$.trajectory");
        List<Object> hypers = JsonFields.array(JsonFields.field(json, "hyperparameters_per_step", "$"),
                "$.hyperparameters_per_step");
        ErrorMeter meter = new ErrorMeter();
        try (QuarticProblem problem = new QuarticProblem(json, backend);
             HyperOptimizer tower = Towers.parse(Towers.GDTUO_PREFIX + stack).build(problem.parameterSet(), backend)) {
            if (trajectory.size() != problem.steps() || hypers.size() != problem.steps()) {
                throw new IllegalArgumentException("Fields $.trajectory and $.hyperparameters_per_step have "
                        + trajectory.size() + " and " + hypers.size() + " steps, $.steps is " + problem.steps());
            }
            for (int t = 0; t < problem.steps(); t++) {
                problem.computeGradients(t);
                tower.step();
                String at = "$.trajectory[" + t + "]";
                Map<String, Object> expected = JsonFields.object(trajectory.get(t), at);
                for (Parameter p : problem.parameters()) {
                    meter.compare("step " + (t + 1) + " " + p.name(), p.value().toArray(),
                            doubles(JsonFields.field(expected, p.name(), at), at + "." + p.name()));
                }
                String hat = "$.hyperparameters_per_step[" + t + "]";
                List<Object> levels = JsonFields.array(hypers.get(t), hat);
                if (levels.size() != tower.height()) {
                    throw new IllegalArgumentException("Field " + hat + " has " + levels.size() + " levels, the stack "
                            + stack + " has " + tower.height());
                }
                for (int k = 0; k < levels.size(); k++) {
                    Map<String, Object> ref = JsonFields.object(levels.get(k), hat + "[" + k + "]");
                    Map<String, Double> ours = tower.storedHyperparameters(k, ParameterSet.DEFAULT_GROUP);
                    for (Map.Entry<String, Object> e : ref.entrySet()) {
                        Double v = ours.get(e.getKey());
                        if (v == null) {
                            throw new IllegalArgumentException("Level " + k + " of " + stack + " has no hyperparameter "
                                    + e.getKey() + " (field " + hat + "[" + k + "])");
                        }
                        meter.compare("step " + (t + 1) + " level " + k + " " + e.getKey(), v,
                                JsonFields.number(e.getValue(), hat + "[" + k + "]." + e.getKey()));
                    }
                }
            }
            return new GoldenResult(source, name(), Towers.GDTUO_PREFIX + stack, problem.steps(), meter.compared(),
                    meter.maxAbs(), meter.maxRel(), TOLERANCE, meter.worst());
        }
    }

    private static double[] doubles(Object v, String path) {
        List<Object> a = JsonFields.array(v, path);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = JsonFields.number(a.get(i), path + "[" + i + "]");
        }
        return out;
    }
}
