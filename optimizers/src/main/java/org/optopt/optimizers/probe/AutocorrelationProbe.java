package org.optopt.optimizers.probe;

import static org.optopt.api.kernel.Expr.buffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;
import org.optopt.theory.MomentumScore;

/**
 * Streaming lag-k gradient autocorrelations R(k) = E[g_t . g_(t-k)], k = 0..K, over all parameters,
 * and what paper A derives from them. One fused kernel pass per parameter reduces every lag at once
 * against the last K gradients, kept in a ring of K buffers: prev_k names the slot that holds the
 * gradient of k steps ago, and the pass overwrites the oldest slot (prev_K, read before) with g:
 * <pre>
 * r0 = sum(g*g) ;  rk = sum(g*prev_k)  (k = 1..K) ;  prev_K = g
 * </pre>
 * after which the ring turns by one (the written slot becomes prev_1 of the next observation). A
 * pass thus writes one buffer, not K (shifting every slot down, as a fixed binding would need).
 * Lag k enters its EMA from the (k+1)-th consecutive observation on (when prev_k holds the
 * gradient of k steps ago; after a {@linkplain #gap() gap} it waits again).
 * Statistics: {@code R0..RK}; {@code momentum}, the argmax of J(m) = sqrt(1-m^2) sum_k m^k R(k)
 * ({@link MomentumScore}); {@code rho} = R(1)/R(0), the plug-in momentum; and {@code noise_scale}
 * = (R(0) - R(1))/R(1). Since g_t = G + noise with independent noise between steps, R(1) estimates
 * |G|^2 and R(0) - R(1) the noise variance tr(C)/B, so noise_scale estimates the gradient noise
 * scale B_simple = tr(C)/|G|^2 in units of the batch size (valid while G changes slowly between steps).
 */
public final class AutocorrelationProbe extends KernelProbe {
    /** The probe's name. */
    public static final String NAME = "autocorrelation";
    /** The default number of lags: {@value}. */
    public static final int DEFAULT_LAGS = 4;

    private final int lags;
    /** Per parameter, the ring of the last {@code lags} gradients. */
    private final List<Tensor[]> history = new ArrayList<>();
    /** The slot of the ring that holds the latest gradient (prev_1). */
    private int newest;
    private final double[] ema;
    private final long[] counts;
    private long consecutive;

    /**
     * A probe of lags 0..{@code lags} over {@code parameters} on {@code backend}.
     *
     * @throws IllegalArgumentException unless lags &gt;= 1 and 0 &lt;= beta &lt; 1
     */
    public AutocorrelationProbe(Backend backend, ParameterSet parameters, int lags, double beta) {
        super(backend, parameters, beta, kernel(lags));
        this.lags = lags;
        for (Parameter p : this.parameters) {
            Tensor[] ring = new Tensor[lags];
            for (int k = 0; k < lags; k++) {
                ring[k] = backend.zeros(p.gradient().shape());
            }
            history.add(ring);
        }
        ema = new double[lags + 1];
        counts = new long[lags + 1];
    }

    static Kernel kernel(int lags) {
        if (lags < 1) {
            throw new IllegalArgumentException("the autocorrelation probe needs at least 1 lag, got " + lags);
        }
        Kernel.Builder b = Kernel.builder("probe_autocorrelation_" + lags).sum("r0", buffer("g").times(buffer("g")));
        for (int k = 1; k <= lags; k++) {
            b.sum("r" + k, buffer("g").times(buffer("prev" + k)));
        }
        return b.store("prev" + lags, buffer("g")).build();
    }

    /** The slot of the ring holding prev_k, the gradient of k observations ago. */
    private int slot(int k) {
        return Math.floorMod(newest - (k - 1), lags);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Tensor> buffers(int parameter) {
        Tensor[] ring = history.get(parameter);
        Map<String, Tensor> bound = new LinkedHashMap<>();
        for (int k = 1; k <= lags; k++) {
            bound.put("prev" + k, ring[slot(k)]);
        }
        return bound;
    }

    @Override
    public Map<String, Double> scalars() {
        return Map.of();
    }

    @Override
    protected void fold(List<Reductions> reductions) {
        double[] r = new double[lags + 1];
        for (Reductions red : reductions) {
            for (int k = 0; k <= lags; k++) {
                r[k] += red.get(k);
            }
        }
        newest = slot(lags);
        consecutive++;
        for (int k = 0; k <= lags && k < consecutive; k++) {
            ema[k] = ema(ema[k], r[k]);
            counts[k]++;
        }
    }

    @Override
    protected void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors) {
        for (int k = 0; k <= lags; k++) {
            scalars.put("ema" + k, ema[k]);
            scalars.put("count" + k, (double) counts[k]);
        }
        scalars.put("consecutive", (double) consecutive);
        for (int i = 0; i < parameters.size(); i++) {
            for (int k = 1; k <= lags; k++) {
                tensors.add(stateBuffer(parameters.get(i).name(), "prev" + k, history.get(i)[slot(k)]));
            }
        }
    }

    @Override
    protected void restore(StateDict state) {
        for (int k = 0; k <= lags; k++) {
            ema[k] = savedScalar(state, "ema" + k);
            counts[k] = (long) savedScalar(state, "count" + k);
        }
        consecutive = (long) savedScalar(state, "consecutive");
        for (int i = 0; i < parameters.size(); i++) {
            for (int k = 1; k <= lags; k++) {
                restore(state, parameters.get(i).name(), "prev" + k, history.get(i)[slot(k)]);
            }
        }
    }

    /** After a gap prev_k no longer holds the gradient of k steps ago: lag k waits for k new observations. */
    @Override
    public void gap() {
        consecutive = 0;
    }

    /** The bias-corrected R(0..K) seen so far (lags not yet observed are absent). */
    public double[] autocorrelations() {
        int seen = 0;
        while (seen <= lags && counts[seen] > 0) {
            seen++;
        }
        double[] r = new double[seen];
        for (int k = 0; k < seen; k++) {
            r[k] = ema[k] * correction(counts[k]);
        }
        return r;
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> s = new LinkedHashMap<>();
        double[] r = autocorrelations();
        for (int k = 0; k <= lags; k++) {
            s.put("R" + k, k < r.length ? r[k] : Double.NaN);
        }
        boolean usable = r.length >= 2 && r[0] > 0 && java.util.Arrays.stream(r).allMatch(Double::isFinite);
        s.put("momentum", usable ? new MomentumScore(r).argmax() : Double.NaN);
        s.put("rho", usable ? r[1] / r[0] : Double.NaN);
        s.put("noise_scale", usable && r[1] > 0 ? (r[0] - r[1]) / r[1] : Double.NaN);
        return s;
    }

    @Override
    public void close() {
        history.forEach(ring -> java.util.Arrays.stream(ring).forEach(Tensor::close));
    }
}
