package org.optopt.cli.design;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.optopt.api.optim.Parameter;
import org.optopt.api.probe.Probe;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.AutocorrelationProbe;
import org.optopt.optimizers.probe.CovarianceProbe;
import org.optopt.optimizers.probe.KroneckerProbe;
import org.optopt.optimizers.probe.SecondMomentProbe;
import org.optopt.theory.Budget;
import org.optopt.theory.Design;
import org.optopt.theory.Kronecker;
import org.optopt.theory.KroneckerMetric;
import org.optopt.theory.Metric;
import org.optopt.theory.SecondMoment;
import org.optopt.theory.StepSize;

/**
 * Designs per layer from the statistics that probes collected during a run.
 *
 * <p>Per parameter, Sigma is the covariance probe's full E[g g^T] where the parameter has at most
 * {@value CovarianceProbe#DEFAULT_MAX_ELEMENTS} elements ({@code sigma} = {@code full}: every budget's
 * design is then the design of the measured Sigma), else the diagonal matrix of the second-moment
 * probe's E[g_i^2] ({@code diagonal}): exact for the budgets whose optimum depends on the diagonal
 * only (spectral, diagonal-l2, diagonal-box, update-rms, update-rms-eps, metric with P = I), a
 * diagonal approximation for the others. The kronecker budget uses the Kronecker-factor probe's L
 * and R of a matrix parameter instead ({@link Kronecker#fromFactors}; {@code kronecker-factors}).
 * The metric budget without a user's metric ({@link #kfac}) is K-FAC per matrix parameter, P from
 * the same factors ({@link KroneckerMetric#ofGradientStatistics}), and P = I for the others.
 * Parameters with more than {@value #MAX_DIMENSION} coordinates get no dense design (Q* would
 * have d^2 entries); they still get their statistics and the learning rate of the radius.
 * Statistics that are not finite (a non-finite gradient during the run) never reach a design.
 *
 * @param parameter the parameter's name
 * @param shape its shape
 * @param sigma which Sigma the design saw: {@code full}, {@code diagonal} or {@code kronecker-factors}
 * @param statistics per-layer statistics: {@code sq_norm} = E|g|^2 and {@code lr_from_radius} = c/sqrt(E|g|^2)
 *     (and {@code kfac_lr}, the K-FAC design's lr, for a K-FAC layer)
 * @param design the design, if one was made
 * @param skipped why not, otherwise
 */
public record TaskDesign(String parameter, int[] shape, String sigma, Map<String, Double> statistics,
        Optional<Design> design, String skipped) {
    /** The largest parameter that gets a dense design. */
    public static final int MAX_DIMENSION = 2048;
    /** Relative rounding of a float probe statistic per element of its side: its PSD tolerance is this times the side. */
    private static final double ROUNDING = 1e-6;

    /** The statistics of one parameter, as the probes left them. */
    private record Layer(String name, int[] shape, double[] diagonal, Optional<SecondMoment> full,
            Optional<double[][][]> factors, Map<String, Double> statistics) {
        boolean matrix() {
            return factors.isPresent();
        }

        /** The full Sigma where measured, else the diagonal one. */
        SecondMoment sigma() {
            if (full.isPresent()) {
                return full.get();
            }
            double[][] sigma = new double[diagonal.length][diagonal.length];
            for (int i = 0; i < diagonal.length; i++) {
                sigma[i][i] = diagonal[i];
            }
            return SecondMoment.of("sigma of " + name, sigma);
        }

        String sigmaKind() {
            return full.isPresent() ? "full" : "diagonal";
        }

        TaskDesign with(String kind, Design d) {
            return new TaskDesign(name, shape, kind, statistics, Optional.of(d), "");
        }

        TaskDesign without(String kind, String why) {
            return new TaskDesign(name, shape, kind, statistics, Optional.empty(), why);
        }
    }

    /**
     * One design per parameter of {@code probed}, solved by {@code solve} (closed form or numeric).
     *
     * @throws IllegalArgumentException if the optimizer lacks the second-moment probe
     */
    public static List<TaskDesign> of(ProbedOptimizer probed, Budget budget, BiFunction<Budget, SecondMoment, Design> solve) {
        return layers(probed, budget.radius(), layer -> {
            if (budget instanceof Kronecker) {
                if (!layer.matrix()) {
                    return layer.without("kronecker-factors", "not a matrix with Kronecker factors");
                }
                double[][][] f = layer.factors().get();
                Kronecker k = new Kronecker(budget.radius(), layer.shape()[0], layer.shape()[1]);
                return layer.with("kronecker-factors", k.fromFactors(factor("L", f[0]), factor("R", f[1])));
            }
            return layer.with(layer.sigmaKind(), solve.apply(budget, layer.sigma()));
        });
    }

    /**
     * The metric budget at radius {@code radius} with no user's metric: K-FAC from the Kronecker
     * factors for every matrix parameter that has them (relative {@code damping}; from the full
     * Sigma where measured, else Sigma ~ L (x) R / tr L), P = I (normalized SGD) for the others.
     *
     * @throws IllegalArgumentException if the optimizer lacks the second-moment probe, or the damping is negative
     */
    public static List<TaskDesign> kfac(ProbedOptimizer probed, double radius, double damping,
            BiFunction<Budget, SecondMoment, Design> solve) {
        return layers(probed, radius, layer -> {
            if (!layer.matrix()) {
                SecondMoment identity = SecondMoment.of("P", identity(layer.diagonal().length));
                return layer.with(layer.sigmaKind(), solve.apply(Metric.of(radius, identity, 0), layer.sigma()));
            }
            double[][][] f = layer.factors().get();
            SecondMoment l = factor("L", f[0]);
            SecondMoment r = factor("R", f[1]);
            KroneckerMetric budget = KroneckerMetric.ofGradientStatistics(radius, l, r, damping);
            layer.statistics().put("kfac_lr", budget.fromStatistics(l, r).lr());
            return layer.full().isPresent() ? layer.with("full", solve.apply(budget, layer.sigma()))
                    : layer.with("kronecker-factors", budget.designFromStatistics(l, r));
        });
    }

    private static List<TaskDesign> layers(ProbedOptimizer probed, double radius, Function<Layer, TaskDesign> designer) {
        SecondMomentProbe moments = probe(probed, SecondMomentProbe.class)
                .orElseThrow(() -> new IllegalArgumentException("the run has no second-moment probe"));
        Optional<KroneckerProbe> factors = probe(probed, KroneckerProbe.class);
        Optional<CovarianceProbe> covariance = probe(probed, CovarianceProbe.class);
        List<TaskDesign> designs = new ArrayList<>();
        for (Parameter p : probed.parameters().parameters()) {
            String name = p.name();
            double[] s = moments.secondMoment(name);
            int[] shape = p.gradient().shape().dims();
            Optional<SecondMoment> full = covariance.filter(c -> c.covered().contains(name))
                    .flatMap(c -> measured(name, c.sigma(name)));
            // E|g|^2 of the Sigma the design sees: the trace of the full Sigma where measured.
            double sq = full.map(SecondMoment::trace).orElse(Arrays.stream(s).sum());
            Map<String, Double> stats = new LinkedHashMap<>();
            stats.put("sq_norm", sq);
            Optional<double[][][]> kron = factors.filter(k -> k.factored().contains(name))
                    .map(k -> new double[][][] {k.left(name), k.right(name)});
            Layer layer = new Layer(name, shape, s, full, kron, stats);
            if (!Arrays.stream(s).allMatch(Double::isFinite)) {
                designs.add(layer.without(layer.sigmaKind(),
                        "the probe's statistics are not finite (a non-finite gradient during the run)"));
                continue;
            }
            if (sq > 0) {
                stats.put("lr_from_radius", StepSize.fromRadius(radius, sq).eta());
            }
            if (s.length > MAX_DIMENSION) {
                designs.add(layer.without(layer.sigmaKind(), s.length + " coordinates: more than " + MAX_DIMENSION
                        + " for a dense design"));
                continue;
            }
            try {
                designs.add(designer.apply(layer));
            } catch (IllegalArgumentException e) {
                designs.add(layer.without(layer.sigmaKind(), e.getMessage()));
            }
        }
        return designs;
    }

    /**
     * The covariance probe's Sigma, validated as PSD to float rounding; empty (the diagonal is used)
     * if it is not (non-finite entries: the caller reports those from the diagonal).
     */
    private static Optional<SecondMoment> measured(String name, double[][] sigma) {
        try {
            return Optional.of(SecondMoment.of("sigma of " + name, sigma, tolerance(sigma.length)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A probe's float factor, PSD to float rounding. */
    private static SecondMoment factor(String what, double[][] m) {
        return SecondMoment.of(what, m, tolerance(m.length));
    }

    private static double tolerance(int side) {
        return Math.min(1e-2, ROUNDING * side);
    }

    private static double[][] identity(int d) {
        double[][] m = new double[d][d];
        for (int i = 0; i < d; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    /**
     * The run's global statistics: E|g|^2 ({@code sq_norm}) and the autocorrelation probe's R(k),
     * optimal momentum argmax J(m) ({@code momentum}), rho = R(1)/R(0) and gradient noise scale.
     */
    public static Map<String, Double> global(ProbedOptimizer probed) {
        Map<String, Double> g = new LinkedHashMap<>();
        probe(probed, SecondMomentProbe.class).ifPresent(p -> g.put("sq_norm", p.statistics().get("sq_norm")));
        probe(probed, AutocorrelationProbe.class).ifPresent(p -> g.putAll(p.statistics()));
        return g;
    }

    private static <T extends Probe> Optional<T> probe(ProbedOptimizer probed, Class<T> type) {
        return probed.probes().stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
