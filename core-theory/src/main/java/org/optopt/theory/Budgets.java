package org.optopt.theory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * Budgets by name, as {@code optopt design --budget} spells them: {@code spectral},
 * {@code frobenius}, {@code trace}, {@code diagonal-l2}, {@code diagonal-box}, {@code update-rms},
 * {@code update-rms-eps}, {@code update-second-moment}, {@code metric}, {@code kronecker},
 * {@code weighted-frobenius}, and intersections written {@code NAME[:RADIUS]+NAME[:RADIUS]...}
 * (a part without its own radius takes the common one).
 */
public final class Budgets {
    /** Every single budget name, in the order of SEEDS.md A.2. */
    public static final List<String> NAMES = List.of("spectral", "frobenius", "trace", "diagonal-l2", "diagonal-box",
            "update-rms", "update-rms-eps", "update-second-moment", "metric", "kronecker", "weighted-frobenius");

    private Budgets() {}

    /**
     * What budgets need beyond their name and radius; absent entries are refused by the budgets that need them.
     *
     * @param radius the common radius c
     * @param eps eps of {@code update-rms-eps}
     * @param metric P of {@code metric}
     * @param metricFactors A and G (P = A (x) G, K-FAC) of {@code metric}, instead of {@code metric}
     * @param damping added to the metric (default 0)
     * @param weights w of {@code weighted-frobenius}
     * @param shape {rows, cols} of {@code kronecker}
     */
    public record Inputs(double radius, Optional<Double> eps, Optional<SecondMoment> metric,
            Optional<List<SecondMoment>> metricFactors, double damping, Optional<DMatrixRMaj> weights,
            Optional<int[]> shape) {
        /** Inputs with only a radius. */
        public static Inputs ofRadius(double radius) {
            return new Inputs(radius, Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty(),
                    Optional.empty());
        }
    }

    /**
     * The budget named by {@code spec}.
     *
     * @throws IllegalArgumentException naming an unknown budget (with the known ones), a bad radius,
     *     or an input the budget needs and lacks or does not use
     */
    public static Budget parse(String spec, Inputs inputs) {
        String[] parts = spec.strip().split("\\+");
        List<String> names = java.util.Arrays.stream(parts).map(p -> p.split(":", 2)[0].strip()).toList();
        if (inputs.eps().isPresent() && !names.contains("update-rms-eps")) {
            throw new IllegalArgumentException("eps is used by the update-rms-eps budget only, not by " + spec.strip());
        }
        if ((inputs.metric().isPresent() || inputs.metricFactors().isPresent()) && !names.contains("metric")) {
            throw new IllegalArgumentException("a metric is used by the metric budget only, not by " + spec.strip());
        }
        if (parts.length == 1) {
            return single(parts[0].strip(), inputs.radius(), inputs);
        }
        List<Budget> budgets = new ArrayList<>();
        for (String part : parts) {
            String[] nameRadius = part.strip().split(":", 2);
            double radius = inputs.radius();
            if (nameRadius.length == 2) {
                try {
                    radius = Double.parseDouble(nameRadius[1].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("budget '" + part.strip() + "': the radius is not a number");
                }
            }
            budgets.add(single(nameRadius[0].strip(), radius, inputs));
        }
        return new Intersection(budgets);
    }

    private static Budget single(String name, double radius, Inputs in) {
        return switch (name) {
            case "spectral" -> new Spectral(radius);
            case "frobenius" -> new Frobenius(radius);
            case "trace" -> new Trace(radius);
            case "diagonal-l2" -> new DiagonalL2(radius);
            case "diagonal-box" -> new DiagonalBox(radius);
            case "update-rms" -> new UpdateRms(radius);
            case "update-rms-eps" -> {
                double eps = in.eps().orElseThrow(() -> new IllegalArgumentException("the update-rms-eps budget needs eps"));
                if (!(eps > 0)) {
                    throw new IllegalArgumentException("eps must be positive, got " + eps);
                }
                yield new UpdateRms(radius, eps);
            }
            case "update-second-moment" -> new UpdateSecondMoment(radius);
            case "metric" -> {
                Budget.requirePositive("radius", radius);
                if (in.metricFactors().isPresent()) {
                    List<SecondMoment> f = in.metricFactors().get();
                    yield new KroneckerMetric(radius, f.get(0), f.get(1), in.damping());
                }
                yield Metric.of(radius, in.metric().orElseThrow(
                        () -> new IllegalArgumentException("the metric budget needs a metric P")), in.damping());
            }
            case "kronecker" -> {
                int[] shape = in.shape().orElseThrow(
                        () -> new IllegalArgumentException("the kronecker budget needs the weight's shape ROWSxCOLS"));
                yield new Kronecker(radius, shape[0], shape[1]);
            }
            case "weighted-frobenius" -> new WeightedFrobenius(radius, in.weights().orElseThrow(
                    () -> new IllegalArgumentException("the weighted-frobenius budget needs weights")));
            default -> throw new IllegalArgumentException("unknown budget '" + name + "'; known: "
                    + String.join(", ", NAMES) + ", and intersections NAME[:RADIUS]+NAME[:RADIUS]");
        };
    }
}
