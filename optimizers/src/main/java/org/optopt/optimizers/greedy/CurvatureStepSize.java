package org.optopt.optimizers.greedy;

import static org.optopt.api.kernel.Expr.buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;
import org.optopt.theory.StepSize;

/**
 * Greedy's {@code step_size = curvature} rule: the metric budget's learning rate from the
 * curvature measured along the optimizer's own moves, made to work with momentum and mini-batch
 * noise. Write dp_t = p_t - p_(t-1) for the move made from g_(t-1) (coefficient a_(t-1) on that
 * gradient: lr sqrt(1 - m^2) in greedy, the momentum buffer's other terms do not contain its noise)
 * and g_t = gbar_t + xi_t with noise independent between steps.
 * <ol>
 * <li><b>Curvature without the noise bias.</b> The one-step secant (g_t - g_(t-1)) . dp_t /
 * |dp_t|^2 of {@code CurvatureProbe} is biased upwards: dp_t was made from xi_(t-1), so
 * E[-xi_(t-1) . dp_t] = a tr(C) adds to its numerator (in the noise-dominated regime the secant
 * tends to about 1/a, whatever H is, and the step it implies only reproduces the current one). Pairing
 * the gradient change with the <em>previous</em> move removes it: neither xi_t nor xi_(t-1) is in
 * dp_(t-1), so on a quadratic E[(g_t - g_(t-1)) . dp_(t-1)] = E[dp_t^T H dp_(t-1)] exactly, and
 * <b>h = EMA((g_t - g_(t-1)) . dp_(t-1)) / EMA(dp_t . dp_(t-1))</b> is the curvature along the moves
 * (exactly h for H = h I; for another H a Rayleigh quotient over consecutive moves, which
 * momentum keeps nearly parallel). One fused kernel pass per parameter and step, three copies.
 * <li><b>eta*.</b> The quadratic model's step with Q = I and H = h I, with |gbar|^2 from R(0) and
 * R(1) corrected for the same correlation ({@link StepSize#isotropicFromAutocorrelation}, a = the
 * mean coefficient applied over the same steps).
 * <li><b>Momentum.</b> eta* is the step of plain SGD; greedy's step lr sqrt(1 - m^2) buf moves
 * lr sqrt((1 + m)/(1 - m)) g along a persistent gradient, so the rule asks for that effective step
 * to be eta*: lr = eta* sqrt((1 - m)/(1 + m)) ({@link StepSize#heavyBallRate}).
 * <li><b>Clip.</b> Between consecutive eta* designs the effective step changes by at most a
 * factor {@value #MAX_CHANGE} against the one in effect (the previous design's lr
 * sqrt((1 + m)/(1 - m)), after the guard's halvings): a design reads statistics averaged over
 * about 100 steps, which lag. The first design with a usable eta* (and the first after a fallback)
 * installs it unclipped: the step then in effect, the warm-up's normalized-SGD step at the radius
 * or the radius rule's lr, is set by the user's {@code lr}, not measured, so clipping against it
 * would make the curvature rule's steps depend on the radius for many designs (from lr = 1e-3 on
 * Rosenbrock the effective step was still doubling, 3e-6, 6e-6, 1.2e-5, ..., towards an eta* of
 * 0.006 when the run ended). The guard below, not the clip, protects this first step.
 * <li><b>Guard.</b> Between designs, a step whose own one-step secant q says it was unstable,
 * a q &gt; 2 (1 + m) ({@link #unstable}), halves lr at once: the curvature along the moves can be
 * far below the largest (a long valley), and the next design would come too late.
 * <li><b>Fallback.</b> Where h is not finite and positive ({@link Fallback#NO_CURVATURE}: e.g.
 * consecutive moves that cancel on average) or the estimated |gbar|^2 is not positive
 * ({@link Fallback#NO_SIGNAL}) the design takes the radius rule's lr, and says why.
 * </ol>
 * All EMAs (factor 0.99) start at the third observation after construction or a load (the first
 * with a previous move), so their bias corrections cancel in every ratio.
 */
final class CurvatureStepSize implements AutoCloseable {
    /** The largest factor by which one design changes the effective step. */
    static final double MAX_CHANGE = 2;

    static final Kernel KERNEL = Kernel.builder("greedy_lagged_secant")
            .sum("num", buffer("g").minus(buffer("gprev")).times(buffer("bufprev")))
            .sum("den", buffer("buf").times(buffer("bufprev")))
            .sum("num1", buffer("g").minus(buffer("gprev")).times(buffer("buf")))
            .sum("den1", buffer("buf").times(buffer("buf")))
            .sum("r0", buffer("g").times(buffer("g")))
            .sum("r1", buffer("g").times(buffer("gprev")))
            .store("bufprev", buffer("buf"))
            .store("gprev", buffer("g"))
            .build();
    private static final String[] SUMS = {"num", "den", "num1", "den1", "r0", "r1"};

    /** Why a design took the radius rule's lr instead of eta*; {@code code} is what decisions.csv records. */
    enum Fallback {
        /** eta* was used. */
        NONE(0),
        /** The curvature is not finite and positive. */
        NO_CURVATURE(1),
        /** The estimated |gbar|^2 is not positive: no measurable mean gradient. */
        NO_SIGNAL(2);

        final int code;

        Fallback(int code) {
            this.code = code;
        }
    }

    /**
     * One design's outcome.
     *
     * @param lr the learning rate to install
     * @param curvature the curvature h (NaN before any statistics)
     * @param etaStar eta* from it (NaN where it has none)
     * @param fallback why the radius rule's lr was taken, or {@link Fallback#NONE}
     * @param clipped -1 or +1 where the clip bound the change (down or up), else 0
     */
    record Design(double lr, double curvature, double etaStar, Fallback fallback, int clipped) {}

    private final double beta;
    private final CompiledKernel kernel;
    private final List<Tensor> copies = new ArrayList<>();
    private final List<KernelArgs> args = new ArrayList<>();
    private final double[] ema = new double[SUMS.length];
    private double stepEma;
    private long observations;
    private double lastStep;
    private double previousStep;
    private double lastQuotient = Double.NaN;

    /**
     * A rule over {@code parameters}, each moved by {@code -a buf} with its momentum buffer from
     * {@code buffers} (by parameter name; greedy's update with Q = I).
     */
    CurvatureStepSize(Backend backend, ParameterSet parameters, Map<String, Tensor> buffers, double beta) {
        this.beta = beta;
        this.kernel = backend.compile(KERNEL);
        for (Parameter p : parameters.parameters()) {
            Tensor gprev = backend.zeros(p.gradient().shape());
            Tensor bufprev = backend.zeros(p.value().shape());
            copies.addAll(List.of(gprev, bufprev));
            args.add(kernel.args().buffer("g", p.gradient()).buffer("buf", buffers.get(p.name()))
                    .buffer("gprev", gprev).buffer("bufprev", bufprev));
        }
    }

    /**
     * Observes the current gradients and parameters: from the third observation on, the sums enter
     * the EMAs together with the coefficient of the move just made.
     */
    void observe() {
        double[] sums = new double[SUMS.length];
        for (KernelArgs a : args) {
            Reductions r = kernel.run(a);
            for (int k = 0; k < SUMS.length; k++) {
                sums[k] += r.get(SUMS[k]);
            }
        }
        observations++;
        if (observations >= 3) {
            // dp_t = -a_(t-1) buf_(t-1) and dp_(t-1) = -a_(t-2) buf_(t-2), buf the current buffer and bufprev the one before.
            sums[0] *= -previousStep;
            sums[1] *= lastStep * previousStep;
            sums[2] *= -lastStep;
            sums[3] *= lastStep * lastStep;
            lastQuotient = sums[2] / sums[3];
            for (int k = 0; k < SUMS.length; k++) {
                ema[k] = beta * ema[k] + (1 - beta) * sums[k];
            }
            stepEma = beta * stepEma + (1 - beta) * lastStep;
        }
    }

    /**
     * Whether the last move was unstable for heavy ball: its own Rayleigh quotient q (the one-step
     * secant of this observation alone) and the coefficient a it was made with have
     * a q &gt; 2 (1 + m), beyond heavy ball's stability limit on a quadratic of curvature q. The
     * averaged statistics of the designs lag by about 100 steps, in which an unstable step grows
     * geometrically; greedy halves lr at once on this signal.
     */
    boolean unstable(double momentum) {
        return lastStep * lastQuotient > 2 * (1 + momentum);
    }

    /** Records the coefficient on the fresh gradient of the step just taken (its move is -coefficient buf). */
    void stepped(double coefficient) {
        previousStep = lastStep;
        lastStep = coefficient;
    }

    /**
     * The design.
     *
     * @param momentum the momentum designed with it
     * @param effective the effective step now in effect (lr sqrt((1 + m)/(1 - m)) with the current lr, m)
     *     where it came from an earlier eta* design, else NaN (eta* is then installed unclipped)
     * @param radiusLr the radius rule's lr, the fallback
     */
    Design design(double momentum, double effective, double radiusLr) {
        double lagged = ema[0] / ema[1];
        double oneStep = ema[2] / ema[3];
        double h = observations < 3 ? Double.NaN : lagged > 0 ? Math.min(lagged, oneStep) : oneStep;
        if (!(h > 0) || !Double.isFinite(h) || !(ema[4] > 0)) {
            return new Design(radiusLr, h, Double.NaN, Fallback.NO_CURVATURE, 0);
        }
        // Bias corrections: the EMAs and stepEma share one, which cancels in r1/r0 and needs undoing for a.
        double a = stepEma / (1 - Math.pow(beta, observations - 2));
        double eta;
        try {
            eta = StepSize.isotropicFromAutocorrelation(ema[4], ema[5], h, a).eta();
        } catch (IllegalArgumentException noMeanGradient) {
            return new Design(radiusLr, h, Double.NaN, Fallback.NO_SIGNAL, 0);
        }
        if (!(eta > 0)) {
            return new Design(radiusLr, h, eta, Fallback.NO_SIGNAL, 0);
        }
        double step = eta;
        int clipped = 0;
        if (effective > 0 && Double.isFinite(effective)) {
            if (eta > MAX_CHANGE * effective) {
                step = MAX_CHANGE * effective;
                clipped = 1;
            } else if (eta < effective / MAX_CHANGE) {
                step = effective / MAX_CHANGE;
                clipped = -1;
            }
        }
        return new Design(StepSize.heavyBallRate(step, momentum), h, eta, Fallback.NONE, clipped);
    }

    @Override
    public void close() {
        copies.forEach(Tensor::close);
    }
}
