package org.optopt.optimizers.golden;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.ElementwiseOptimizer;

/**
 * Golden trajectories written by torch.optim ({@code torch-*.json}, see the golden README): the
 * file names a torch class and its keyword arguments; {@link #TABLE} maps them to our optimizer
 * and our state names; every step's parameters and torch's final state are compared.
 */
public final class TorchGolden implements GoldenFormat {
    /** The relative tolerance of the comparison ({@link ErrorMeter}). */
    public static final double TOLERANCE = 1e-5;

    /**
     * How one torch.optim class maps to ours.
     *
     * @param torchClass the torch class name, e.g. {@code Adam}
     * @param optimizer our optimizer's name
     * @param stateNames torch state keys mapped to our state buffer or scalar names
     * @param fixedOptions options of ours that reproduce the torch version of the golden files
     */
    public record Mapping(String torchClass, String optimizer, Map<String, String> stateNames,
                          Map<String, Object> fixedOptions) {
        Mapping(String torchClass, String optimizer, Map<String, String> stateNames) {
            this(torchClass, optimizer, stateNames, Map.of());
        }
    }

    private static final Map<String, String> ADAM_STATE =
            Map.of("step", "t", "exp_avg", "m", "exp_avg_sq", "v", "max_exp_avg_sq", "vmax");

    /** The mapping of torch.optim classes to ours. */
    public static final List<Mapping> TABLE = List.of(
            new Mapping("SGD", "sgd", Map.of("momentum_buffer", "buf")),
            new Mapping("Adam", "adam", ADAM_STATE),
            new Mapping("AdamW", "adamw", ADAM_STATE),
            new Mapping("Adagrad", "adagrad", Map.of("step", "t", "sum", "sum")),
            new Mapping("RMSprop", "rmsprop", Map.of("step", "t", "square_avg", "square_avg",
                    "grad_avg", "grad_avg", "momentum_buffer", "buf")),
            new Mapping("Adamax", "adamax", Map.of("step", "t", "exp_avg", "m", "exp_inf", "u")),
            new Mapping("NAdam", "nadam", Map.of("step", "t", "exp_avg", "m", "exp_avg_sq", "v", "mu_product", "mu_product"),
                    Map.of("torch113", true)),
            new Mapping("RAdam", "radam", Map.of("step", "t", "exp_avg", "m", "exp_avg_sq", "v")),
            new Mapping("Adadelta", "adadelta", Map.of("step", "t", "square_avg", "square_avg", "acc_delta", "acc_delta")));

    private final Optimizers registry;

    /** Replays through the optimizers of {@code registry}. */
    public TorchGolden(Optimizers registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "torch";
    }

    /** Files whose {@code optimizer} names a torch.optim class of {@link #TABLE}. */
    @Override
    public boolean accepts(Map<String, Object> json) {
        return json.get("optimizer") instanceof String o && TABLE.stream().anyMatch(m -> m.torchClass().equals(o))
                && json.containsKey("trajectory") && !json.containsKey("stack");
    }

    /**
     * The mapping of torch class {@code torchClass}.
     *
     * @throws IllegalArgumentException listing the supported classes if there is none
     */
    public static Mapping mapping(String torchClass) {
        for (Mapping m : TABLE) {
            if (m.torchClass().equals(torchClass)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unsupported torch optimizer '" + torchClass + "'; supported: "
                + TABLE.stream().map(Mapping::torchClass).toList());
    }

    /**
     * Our configuration for torch keyword arguments: {@code betas} splits into {@code beta1} and
     * {@code beta2}; every other argument keeps its name.
     */
    public static Map<String, Object> configuration(Map<String, Object> torchArguments) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : torchArguments.entrySet()) {
            if (e.getKey().equals("betas")) {
                List<Object> betas = JsonFields.array(e.getValue(), "$.hyperparameters.betas");
                if (betas.size() != 2) {
                    throw new IllegalArgumentException("Field $.hyperparameters.betas must hold 2 values, got " + betas);
                }
                config.put("beta1", betas.get(0));
                config.put("beta2", betas.get(1));
            } else {
                config.put(e.getKey(), e.getValue());
            }
        }
        return config;
    }

    @Override
    public GoldenResult replay(Map<String, Object> json, String source, Backend backend) {
        Mapping mapping = mapping(JsonFields.string(JsonFields.field(json, "optimizer", "$"), "$.optimizer"));
        Map<String, Object> config = configuration(
                JsonFields.object(JsonFields.field(json, "hyperparameters", "$"), "$.hyperparameters"));
        config.putAll(mapping.fixedOptions());
        ErrorMeter meter = new ErrorMeter();
        try (QuarticProblem problem = new QuarticProblem(json, backend);
             ElementwiseOptimizer opt = (ElementwiseOptimizer) registry.provider(mapping.optimizer())
                     .create(backend, problem.parameterSet(), config)) {
            new Trajectory(json, problem.steps()).replay(problem, opt, meter);
            if (json.containsKey("final_state")) {
                compareFinalState(JsonFields.object(json.get("final_state"), "$.final_state"), mapping, opt, meter);
            }
            String described = mapping.optimizer() + (opt.choices().isEmpty() ? "" : opt.choices().toString());
            return new GoldenResult(source, name(), described, problem.steps(), meter.compared(), meter.maxAbs(),
                    meter.maxRel(), TOLERANCE, meter.worst());
        }
    }

    private static void compareFinalState(Map<String, Object> finalState, Mapping mapping, ElementwiseOptimizer opt,
                                          ErrorMeter meter) {
        for (Map.Entry<String, Object> perParam : finalState.entrySet()) {
            String param = perParam.getKey();
            Map<String, Object> entries = JsonFields.object(perParam.getValue(), "$.final_state." + param);
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                String ours = mapping.stateNames().get(e.getKey());
                String path = "$.final_state." + param + "." + e.getKey();
                if (ours == null) {
                    throw new IllegalArgumentException("No mapping of torch state '" + e.getKey() + "' of "
                            + mapping.torchClass() + " to " + mapping.optimizer());
                }
                String where = "final " + param + "." + e.getKey();
                if (e.getValue() instanceof Double d) {
                    meter.compare(where, opt.scalar(param, ours), d);
                } else {
                    meter.compare(where, opt.buffer(param, ours).toArray(), Trajectory.doubles(e.getValue(), path));
                }
            }
        }
    }
}
