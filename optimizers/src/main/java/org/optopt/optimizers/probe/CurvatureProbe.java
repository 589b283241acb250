package org.optopt.optimizers.probe;

import static org.optopt.api.kernel.Expr.buffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;
import org.optopt.theory.StepSize;

/**
 * The curvature along the optimizer's own moves and the step size eta* it implies (paper A's
 * quadratic model, {@link StepSize#isotropic}). Between two consecutive observations the
 * parameters moved by dp = p_t - p_(t-1) (whatever the optimizer did: momentum, preconditioning)
 * and the gradient changed by dg = g_t - g_(t-1); on a quadratic loss dg = H dp, so the secant
 * dg . dp / |dp|^2 is the Rayleigh quotient dp^T H dp / dp^T dp, the curvature along the move. One
 * fused kernel pass per parameter (stores come last, so the sums read the previous step's copies):
 * <pre>
 * r0 = sum(g*g) ; r1 = sum(g*gprev) ; num = sum((g-gprev)*(p-pprev)) ; den = sum((p-pprev)^2)
 * gprev = g ; pprev = p
 * </pre>
 * Summed over all parameters, the four sums enter EMAs from the second consecutive observation on
 * (after a {@linkplain #gap() gap} the next observation only refreshes the copies). Each is a
 * {@link org.optopt.api.kernel.ReduceOp#FLOAT_PARTIAL_SUM} (within about 1.8e-6 of the absolute sum of
 * its terms), which a CPU adds without widening each term to double.
 *
 * <p>Statistics: {@code curvature} h = EMA(num) / EMA(den), a ratio of averages (a move-length
 * weighted mean of the Rayleigh quotients, robust to tiny moves where a single quotient is noise);
 * {@code eta} = R(1) / (h R(0)), the quadratic model's eta* with Q = I and H = h I, where R(1) =
 * EMA(r1) estimates |gbar|^2 and R(0) = EMA(r0) estimates E|g|^2 (as in {@link AutocorrelationProbe}).
 * Bias corrections cancel in both ratios. {@code eta} is NaN where h &lt;= 0 or R(1) &lt;= 0 (no
 * finite optimum, or no measurable signal), so consumers skip it rather than set a zero or negative
 * step. The probe reads parameter values as well as gradients, and writes neither.
 *
 * <p>Choice and its limit: with stochastic gradients the secant also sees the mini-batch noise,
 * and because the move dp was made from the previous noisy gradient, -xi_(t-1) . dp biases h
 * upwards (for SGD by about lr tr(C) / |dp|^2 per step); with full-batch gradients it is exact.
 * The alternative, a second gradient on the same batch, is not available to a probe (it never
 * evaluates the loss).
 */
public final class CurvatureProbe extends StreamingProbe {
    /** The probe's name. */
    public static final String NAME = "curvature";

    static final Kernel KERNEL = Kernel.builder("probe_curvature")
            .floatPartialSum("r0", buffer("g").times(buffer("g")))
            .floatPartialSum("r1", buffer("g").times(buffer("gprev")))
            .floatPartialSum("num", buffer("g").minus(buffer("gprev")).times(buffer("p").minus(buffer("pprev"))))
            .floatPartialSum("den", buffer("p").minus(buffer("pprev")).times(buffer("p").minus(buffer("pprev"))))
            .store("gprev", buffer("g"))
            .store("pprev", buffer("p"))
            .build();
    private static final String[] SUMS = {"r0", "r1", "num", "den"};

    private final CompiledKernel kernel;
    private final List<Tensor> copies = new ArrayList<>();
    private final List<KernelArgs> args = new ArrayList<>();
    private final double[] ema = new double[SUMS.length];
    private long pairs;
    private boolean consecutive;

    /**
     * A probe over {@code parameters} on {@code backend} with EMA factor {@code beta}.
     *
     * @throws IllegalArgumentException unless 0 &lt;= beta &lt; 1
     */
    public CurvatureProbe(Backend backend, ParameterSet parameters, double beta) {
        super(backend, parameters, beta);
        kernel = backend.compile(KERNEL);
        for (Parameter p : this.parameters) {
            Tensor gprev = backend.zeros(p.gradient().shape());
            Tensor pprev = backend.zeros(p.value().shape());
            copies.add(gprev);
            copies.add(pprev);
            args.add(kernel.args().buffer("g", p.gradient()).buffer("p", p.value()).buffer("gprev", gprev)
                    .buffer("pprev", pprev));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void accumulate(List<Parameter> current) {
        double[] sums = new double[SUMS.length];
        for (KernelArgs a : args) {
            Reductions r = kernel.run(a);
            for (int k = 0; k < SUMS.length; k++) {
                sums[k] += r.get(SUMS[k]);
            }
        }
        if (consecutive) {
            for (int k = 0; k < SUMS.length; k++) {
                ema[k] = ema(ema[k], sums[k]);
            }
            pairs++;
        }
        consecutive = true;
    }

    /** After a gap the copies are not of the previous step: the next observation starts a new pair. */
    @Override
    public void gap() {
        consecutive = false;
    }

    @Override
    protected void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors) {
        for (int k = 0; k < SUMS.length; k++) {
            scalars.put(SUMS[k], ema[k]);
        }
        scalars.put("pairs", (double) pairs);
        scalars.put("consecutive", consecutive ? 1.0 : 0.0);
        for (int i = 0; i < parameters.size(); i++) {
            tensors.add(stateBuffer(parameters.get(i).name(), "gprev", copies.get(2 * i)));
            tensors.add(stateBuffer(parameters.get(i).name(), "pprev", copies.get(2 * i + 1)));
        }
    }

    @Override
    protected void restore(StateDict state) {
        for (int k = 0; k < SUMS.length; k++) {
            ema[k] = savedScalar(state, SUMS[k]);
        }
        pairs = (long) savedScalar(state, "pairs");
        consecutive = savedScalar(state, "consecutive") != 0;
        for (int i = 0; i < parameters.size(); i++) {
            restore(state, parameters.get(i).name(), "gprev", copies.get(2 * i));
            restore(state, parameters.get(i).name(), "pprev", copies.get(2 * i + 1));
        }
    }

    /** The curvature h along the moves seen so far (NaN before the first pair or if nothing moved). */
    public double curvature() {
        return pairs == 0 ? Double.NaN : ema[2] / ema[3];
    }

    /**
     * eta* of {@link StepSize#isotropic} from the measured h, R(1) and R(0); NaN when it has no
     * finite positive value (no pair yet, h &lt;= 0, R(1) &lt;= 0, or non-finite statistics).
     */
    public double eta() {
        double h = curvature();
        double r0 = ema[0];
        double r1 = ema[1];
        boolean usable = pairs > 0 && h > 0 && r1 > 0 && Double.isFinite(h) && Double.isFinite(r0) && r0 > 0;
        return usable ? StepSize.isotropic(r1, h, r0).eta() : Double.NaN;
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> s = new LinkedHashMap<>();
        if (observations() == 0) {
            return s;
        }
        s.put("curvature", curvature());
        s.put("eta", eta());
        return s;
    }

    @Override
    public void close() {
        copies.forEach(Tensor::close);
    }
}
