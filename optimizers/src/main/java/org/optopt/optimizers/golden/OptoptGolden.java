package org.optopt.optimizers.golden;

import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;

/**
 * Golden trajectories of optimizers this project specifies ({@code optopt-*.json}, see the golden
 * README), written by independent reference implementations: {@code optimizer} is a registry name,
 * {@code hyperparameters} (optional) gives values by our names — numbers, lists of numbers
 * (candidate sets), strings (choices) or booleans — and anything absent takes the optimizer's
 * default. Every step's parameters are compared within the file's relative {@code tolerance},
 * else {@link TorchGolden#TOLERANCE}. Any optimizer of the registry can be replayed.
 */
public final class OptoptGolden implements GoldenFormat {
    private final Optimizers registry;

    /** Replays through the optimizers of {@code registry}. */
    public OptoptGolden(Optimizers registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "optopt";
    }

    /** Files that name an optimizer and hold a trajectory (the torch and gdtuo formats are tried first). */
    @Override
    public boolean accepts(Map<String, Object> json) {
        return json.containsKey("optimizer") && json.containsKey("trajectory") && !json.containsKey("stack");
    }

    /**
     * The relative tolerance of a file: its field {@code tolerance}, else the format's default.
     *
     * @throws IllegalArgumentException if the field is not a number &gt; 0
     */
    static double tolerance(Map<String, Object> json, double fallback) {
        if (!json.containsKey("tolerance")) {
            return fallback;
        }
        double t = JsonFields.number(json.get("tolerance"), "$.tolerance");
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("Field $.tolerance must be a finite number > 0, got " + t);
        }
        return t;
    }

    @Override
    public GoldenResult replay(Map<String, Object> json, String source, Backend backend) {
        String name = JsonFields.string(JsonFields.field(json, "optimizer", "$"), "$.optimizer");
        Map<String, Object> config = json.containsKey("hyperparameters")
                ? JsonFields.object(json.get("hyperparameters"), "$.hyperparameters") : Map.of();
        double tolerance = tolerance(json, TorchGolden.TOLERANCE);
        var provider = registry.provider(name);
        ErrorMeter meter = new ErrorMeter();
        try (QuarticProblem problem = new QuarticProblem(json, backend);
             Optimizer opt = provider.create(backend, problem.parameterSet(), config)) {
            new Trajectory(json, problem.steps()).replay(problem, opt, meter);
            String described = name + (opt.choices().isEmpty() ? "" : opt.choices().toString())
                    + (opt.hyperparameterLists().isEmpty() ? "" : opt.hyperparameterLists().toString());
            return new GoldenResult(source, name(), described, problem.steps(), meter.compared(), meter.maxAbs(),
                    meter.maxRel(), tolerance, meter.worst());
        }
    }
}
