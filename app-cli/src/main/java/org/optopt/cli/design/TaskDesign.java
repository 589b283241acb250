package org.optopt.cli.design;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.optopt.api.optim.Parameter;
import org.optopt.api.probe.Probe;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.AutocorrelationProbe;
import org.optopt.optimizers.probe.KroneckerProbe;
import org.optopt.optimizers.probe.SecondMomentProbe;
import org.optopt.theory.Budget;
import org.optopt.theory.Design;
import org.optopt.theory.Kronecker;
import org.optopt.theory.SecondMoment;
import org.optopt.theory.StepSize;

/**
 * Designs per layer from the statistics that probes collected during a run.
 *
 * <p>Per parameter, Sigma is the diagonal matrix of the second-moment probe's E[g_i^2] (the probes
 * estimate no off-diagonal second moments of a whole layer): exact for the budgets whose optimum
 * depends on the diagonal only (spectral, diagonal-l2, diagonal-box, update-rms, update-rms-eps,
 * metric with P = I), a diagonal approximation for the others. The kronecker budget uses the
 * Kronecker-factor probe's L and R of a matrix parameter instead ({@link Kronecker#fromFactors}).
 * Parameters with more than {@value #MAX_DIMENSION} coordinates get no dense design (Q* would
 * have d^2 entries); they still get their statistics and the learning rate of the radius.
 * Statistics that are not finite (a non-finite gradient during the run) never reach a design.
 *
 * @param parameter the parameter's name
 * @param shape its shape
 * @param statistics per-layer statistics: {@code sq_norm} = E|g|^2 and {@code lr_from_radius} = c/sqrt(E|g|^2)
 * @param design the design, if one was made
 * @param skipped why not, otherwise
 */
public record TaskDesign(String parameter, int[] shape, Map<String, Double> statistics, Optional<Design> design,
        String skipped) {
    /** The largest parameter that gets a dense design. */
    public static final int MAX_DIMENSION = 2048;

    /**
     * One design per parameter of {@code probed}, solved by {@code solve} (closed form or numeric).
     *
     * @throws IllegalArgumentException if the optimizer lacks the second-moment probe
     */
    public static List<TaskDesign> of(ProbedOptimizer probed, Budget budget, BiFunction<Budget, SecondMoment, Design> solve) {
        SecondMomentProbe moments = probe(probed, SecondMomentProbe.class)
                .orElseThrow(() -> new IllegalArgumentException("the run has no second-moment probe"));
        Optional<KroneckerProbe> factors = probe(probed, KroneckerProbe.class);
        List<TaskDesign> designs = new ArrayList<>();
        for (Parameter p : probed.parameters().parameters()) {
            double[] s = moments.secondMoment(p.name());
            int[] shape = p.gradient().shape().dims();
            double sq = Arrays.stream(s).sum();
            Map<String, Double> stats = new LinkedHashMap<>();
            stats.put("sq_norm", sq);
            if (!Arrays.stream(s).allMatch(Double::isFinite)) {
                designs.add(new TaskDesign(p.name(), shape, stats, Optional.empty(),
                        "the probe's statistics are not finite (a non-finite gradient during the run)"));
                continue;
            }
            if (sq > 0) {
                stats.put("lr_from_radius", StepSize.fromRadius(budget.radius(), sq).eta());
            }
            designs.add(design(p.name(), shape, s, stats, budget, solve, factors));
        }
        return designs;
    }

    private static TaskDesign design(String name, int[] shape, double[] s, Map<String, Double> stats, Budget budget,
            BiFunction<Budget, SecondMoment, Design> solve, Optional<KroneckerProbe> factors) {
        if (s.length > MAX_DIMENSION) {
            return new TaskDesign(name, shape, stats, Optional.empty(), s.length + " coordinates: more than "
                    + MAX_DIMENSION + " for a dense design");
        }
        try {
            if (budget instanceof Kronecker) {
                if (factors.isEmpty() || !factors.get().factored().contains(name)) {
                    return new TaskDesign(name, shape, stats, Optional.empty(), "not a matrix with Kronecker factors");
                }
                Kronecker k = new Kronecker(budget.radius(), shape[0], shape[1]);
                return new TaskDesign(name, shape, stats, Optional.of(k.fromFactors(
                        SecondMoment.of("L", factors.get().left(name)), SecondMoment.of("R", factors.get().right(name)))), "");
            }
            double[][] sigma = new double[s.length][s.length];
            for (int i = 0; i < s.length; i++) {
                sigma[i][i] = s[i];
            }
            return new TaskDesign(name, shape, stats, Optional.of(solve.apply(budget, SecondMoment.of("sigma", sigma))), "");
        } catch (IllegalArgumentException e) {
            return new TaskDesign(name, shape, stats, Optional.empty(), e.getMessage());
        }
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
