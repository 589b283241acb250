package org.optopt.optimizers.greedy;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * The greedy optimizer of paper A (SEEDS.md A.3): it measures gradient statistics with the probes
 * of {@code org.optopt.optimizers.probe} and, every {@code redesign_every} steps (T, 2T, ...),
 * re-solves the design problem of a budget family ({@code org.optopt.theory}) and writes
 * the new preconditioner, learning rate and momentum into itself:
 * <pre>
 * every T steps:  Q, lr  = the budget's closed-form design from the probes' statistics
 *                 m      = min(argmax_m J(m), max_momentum),  J(m) = sqrt(1 - m^2) sum_k m^k R(k)
 * every step:     buf = m*buf + g ;  p = p - lr*sqrt(1 - m^2) * Q buf
 * </pre>
 * The factor sqrt(1 - m^2) is J's normalization of the filter h_k = m^k (||h||_2 = 1), so the
 * budget bounds the filtered update as it bounds a plain one. {@code lr} is the radius c, per coordinate in
 * every family (an update of RMS about c per coordinate), whatever the budget's own scale:
 * <ul>
 * <li>{@code update-rms} (default): Q = diag(c / sqrt(s_i)), s_i = E[g_i^2] ({@code UpdateRms}).
 * <li>{@code update-second-moment}: Q = c Sigma^-1/2 with Sigma the diagonal of E[g g^T] that the
 *     second-moment probe measures; on diagonal statistics this is the same Q as {@code update-rms}
 *     (a dense Sigma per tensor is beyond the probes).
 * <li>{@code metric}: P = I, Q = lr I with lr = c sqrt(d) / sqrt(E|g|^2) ({@code StepSize.fromRadius},
 *     radius c sqrt(d) for d coordinates): normalized SGD.
 * <li>{@code kronecker}: per matrix parameter (sides up to 256: the host eigendecompositions) Q = c (rows cols)^(1/4)
 *     L^-1/4 (x) R^-1/4, applied as L^-1/4 buf R^-1/4, L and R from the Kronecker probe each
 *     damped by {@code damping} times its mean eigenvalue; other parameters as {@code update-rms}.
 * </ul>
 * Before the first design (steps 1 to T - 1) it steps by the metric budget with P = I on each
 * step's own gradient (lr = c sqrt(d) / |g|, no momentum): one gradient is too little to set a
 * per-coordinate preconditioner for T steps (1/|g_i| of a single sample is unbounded).
 * With {@code step_size = curvature} (metric budget only) the design's lr comes from eta* of the
 * curvature measured along the moves instead of the radius, debiased for mini-batch noise,
 * divided by the momentum's lengthening of the step, clipped to a factor 2 per design, halved at
 * once after a step that was unstable, and the radius rule's where no eta* exists
 * ({@code CurvatureStepSize}, which derives each part); its decisions add {@code curvature},
 * {@code eta_star}, {@code fallback} (0 eta* used, 1 no positive curvature, 2 no measurable mean
 * gradient), {@code clipped} (-1, 0, +1) and {@code halvings}. A design whose
 * statistics are not finite is skipped (logged as a decision with {@code skipped = 1}) and the
 * previous Q, lr and m stay. Every decision goes to the trace as {@code decision.<budget>.<field>}
 * (a run writes those to {@code decisions.csv}).
 */
public final class Greedy extends OptimizerDefinition {
    /** The budget families, as {@code --set budget=NAME} spells them. */
    public static final List<String> BUDGETS = List.of("update-rms", "metric", "update-second-moment", "kronecker");

    /** Creates the provider. */
    public Greedy() {
        super("greedy", "greedy design: every redesign_every steps the budget's optimal preconditioner, lr and "
                        + "momentum from probed gradient statistics (paper A)",
                List.of(new Hyperparameter("lr", 1e-3, Domain.greaterThan(0),
                                "the budget radius c per coordinate (the update's RMS per coordinate)"),
                        new Hyperparameter("redesign_every", 50, Domain.integerAtLeast(1),
                                "re-solve the design every this many steps (T)"),
                        new Hyperparameter("max_momentum", 0.99, Domain.closed(0, 0.999),
                                "cap on the designed momentum argmax J(m)"),
                        new Hyperparameter("damping", 1e-4, Domain.greaterThan(0),
                                "kronecker: added to each factor, relative to its mean eigenvalue")),
                List.of(new Choice("budget", "update-rms", BUDGETS, "the budget family re-solved at every design"),
                        new Choice("step_size", "radius", STEP_SIZES, "metric budget: lr = c sqrt(d) / sqrt(E|g|^2) "
                                + "(radius), or eta* = |gbar|^2 / (h E|g|^2) of the curvature along the moves, "
                                + "noise-debiased, over the momentum factor sqrt((1+m)/(1-m)) (curvature)")));
    }

    /** The sources of the metric budget's learning rate, as {@code --set step_size=NAME} spells them. */
    public static final List<String> STEP_SIZES = List.of("radius", "curvature");

    /**
     * eta* of a curvature probe is the step of the quadratic model with Q = I, so it is the
     * learning rate of the metric budget with P = I only; the other families design a Q.
     */
    @Override
    protected void crossCheck(Map<String, Double> values, Map<String, String> chosen) {
        if (chosen.get("step_size").equals("curvature") && !chosen.get("budget").equals("metric")) {
            throw new IllegalArgumentException("step_size = curvature needs budget = metric (eta* assumes Q = I), got"
                    + " budget = " + chosen.get("budget"));
        }
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        return "greedy(budget=" + resolveChoices(choices).get("budget") + ")\n"
                + "  steps 1..T-1: lr = c*sqrt(d)/|g|, Q = I, m = 0\n"
                + "  at steps T, 2T, ... (T = redesign_every), from the probes (EMA 0.99):\n"
                + "    Q, lr = closed-form design of the budget (radius c = the lr setting, per coordinate)\n"
                + "      (step_size=curvature, metric budget: lr = eta* sqrt((1-m)/(1+m)), eta* = |gbar|^2 / (h R(0)),\n"
                + "       h = min(EMA(dg_t.dp_(t-1)) / EMA(dp_t.dp_(t-1)), EMA(dg_t.dp_t) / EMA(|dp_t|^2)),\n"
                + "       |gbar|^2 = (R(1) + h a R(0)) / (1 + h a), a = mean lr sqrt(1-m^2); effective step\n"
                + "       clipped to x2 per design; radius lr where no eta*; lr halved after an unstable step)\n"
                + "    m = min(argmax J(m), max_momentum),  J(m) = sqrt(1-m^2) * sum_k m^k R(k)\n"
                + "  buf = m*buf + g ;  p = p - lr*sqrt(1-m^2) * Q buf\n";
    }

    @Override
    public GreedyOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new GreedyOptimizer(this, backend, parameters, resolve(config));
    }
}
