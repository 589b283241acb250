package org.optopt.optimizers.probe;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;
import org.optopt.theory.MomentumScore;

/**
 * Streaming lag-k gradient autocorrelations R(k) = E[g_t . g_(t-k)], k = 0..K, over all parameters,
 * and what paper A derives from them, with the lag products of B consecutive observations deferred
 * to one pass (a block).
 *
 * <p><b>Deferred lag products.</b> The probe keeps the last N = K + B - 1 gradients in a ring;
 * prev_n names the slot that holds the gradient of n observations ago, and every observation
 * overwrites the oldest slot (prev_N) with g, after which the ring turns by one. The first B - 1
 * observations of a block only copy g there ({@code slot = g}: 8 bytes per parameter); the block's
 * last one reads g and the whole ring once and forms every lag product of the block's B
 * observations, using the linearity of the EMA over the block,
 * <pre>
 * EMA_k(t+B-1) = beta^B EMA_k(t-1) + (1-beta) sum_(d=0..B-1) beta^d r_k(t+B-1-d)
 * rk = sum(g*prev_k + (w_1*prev_1)*prev_(k+1) + ... + (w_(B-1)*prev_(B-1))*prev_(k+B-1))  (k = 0..K, prev_0 = g, w_d = beta^d) ;  prev_N = g
 * </pre>
 * (4 (K + B + 1) bytes per parameter), so an observation moves 12 + 4 (K - 1) / B bytes per parameter
 * on average instead of the 24 of a probe that forms its K + 1 products at every observation
 * (B = 1, which this probe also is); 16 + 4 (K - 1) / B where a store to memory not in the cache
 * reads it first (x86), as the copies' stores do. The statistics equal that per-observation form's within float
 * rounding: the products are float, each sum is a {@link ReduceOp#FLOAT_PARTIAL_SUM} as before, and
 * only the grouping of the EMA's terms changes.
 *
 * <p><b>Float partial sums.</b> Every lag sum is a {@link ReduceOp#FLOAT_PARTIAL_SUM}: within about
 * 1.8e-6 sum_i |g_i prev_k,i| of the exact sum of its float products, far below the sampling noise
 * of any R(k) estimate, and on a CPU with the Vector API twice the terms per instruction of a sum in
 * double (mnist-mlp, nd4j: whole training steps with the probe attached 5.4-7.2% slower than plain
 * Adam's, against 9.0-9.5% with sums in double; docs/theory.md, "Overhead").
 *
 * <p><b>The block size</b>, {@value #DEFAULT_BLOCK} by default (every observation forms its own
 * products, one kernel, as before blocks existed), chosen by measurement: on the nd4j backend
 * (mnist-mlp, 2-core AVX2 machine, docs/theory.md) B = 2 and 4 cost 0.18 and 0.25 ms per observation
 * against 0.16-0.18 for B = 1 in scalar loops, and with the Vector API 0.10, 0.26 against 0.10. The
 * fold's (K + 1) B products are compute in loops that C2 stops vectorizing as they grow, and a copy
 * writes a slot the cache no longer holds, which x86 reads first (12 bytes, not 8). Larger blocks
 * may pay where kernels run at memory bandwidth whatever their arithmetic (a GPU); measure with
 * {@code optopt bench probes --lag-block B}.
 *
 * <p><b>Partial blocks.</b> Reading the statistics in mid-block folds the observations still in the
 * ring into a copy of the EMAs ({@code R} as of the latest observation) without committing them:
 * the block goes on, so the statistics do not depend on when (or how often) they are read, and a
 * {@linkplain #state() saved state} holds the ring and the count of pending observations, so a
 * restored probe continues bit for bit wherever the block stood. A {@linkplain #gap() gap} commits
 * the pending observations and clears the ring (its gradients are no longer k steps old), so lag k
 * enters its EMA from the (k+1)-th consecutive observation on: its products with cleared slots are
 * exactly zero and the EMA decays only by the observations that count. One difference from the
 * per-observation form (B &gt; 1 only): a non-finite gradient makes a lag that counts any of its
 * block's observations non-finite at the block's fold, up to K observations before that form would.
 *
 * <p>Statistics: {@code R0..RK}; {@code momentum}, the argmax of J(m) = sqrt(1-m^2) sum_k m^k R(k)
 * ({@link MomentumScore}); {@code rho} = R(1)/R(0), the plug-in momentum; and {@code noise_scale}
 * = (R(0) - R(1))/R(1). Since g_t = G + noise with independent noise between steps, R(1) estimates
 * |G|^2 and R(0) - R(1) the noise variance tr(C)/b (b the batch size), so noise_scale estimates the gradient noise
 * scale B_simple = tr(C)/|G|^2 in units of the batch size (valid while G changes slowly between steps).
 */
public final class AutocorrelationProbe extends KernelProbe {
    /** The probe's name. */
    public static final String NAME = "autocorrelation";
    /** The default number of lags: {@value}. */
    public static final int DEFAULT_LAGS = 4;
    /** The default number of observations whose lag products one pass forms: {@value} (see the class documentation). */
    public static final int DEFAULT_BLOCK = 1;

    private final int lags;
    private final int block;
    /** The ring's length, K + B - 1. */
    private final int length;
    /** Per parameter, the ring of the last {@link #length} gradients. */
    private final List<Tensor[]> history = new ArrayList<>();
    /** The slot of the ring that holds the latest gradient (prev_1). */
    private int newest;
    /** Observations of the current block so far, in the ring, not yet in the EMAs. */
    private int pending;
    private long consecutive;
    private final double[] ema;
    private final long[] counts;
    /** Index m (1 to B - 1): the fold of m pending observations, all in the ring (prev_1 the latest). */
    private final CompiledKernel[] partial;
    /** {@code slot = 0}: clears the ring at a gap. */
    private final CompiledKernel clear;
    /** The weights w_1..w_(B-1) of the folds, by scalar name. */
    private final Map<String, Double> weights = new LinkedHashMap<>();
    /** The EMAs and counts with the pending observations folded in, as of observation {@link #viewedAt}. */
    private final double[] viewEma;
    private final long[] viewCounts;
    private long viewedAt = -1;

    /**
     * A probe of lags 0..{@code lags} over {@code parameters} on {@code backend}, in blocks of
     * {@value #DEFAULT_BLOCK} observations.
     *
     * @throws IllegalArgumentException unless lags &gt;= 1 and 0 &lt;= beta &lt; 1
     */
    public AutocorrelationProbe(Backend backend, ParameterSet parameters, int lags, double beta) {
        this(backend, parameters, lags, DEFAULT_BLOCK, beta);
    }

    /**
     * A probe of lags 0..{@code lags} over {@code parameters} on {@code backend} whose folding pass
     * forms the lag products of {@code block} observations (1: every observation forms its own).
     *
     * @throws IllegalArgumentException unless lags &gt;= 1, block &gt;= 1 and 0 &lt;= beta &lt; 1
     */
    public AutocorrelationProbe(Backend backend, ParameterSet parameters, int lags, int block, double beta) {
        super(backend, parameters, beta, kernels(lags, block));
        this.lags = lags;
        this.block = block;
        this.length = lags + block - 1;
        for (Parameter p : this.parameters) {
            Tensor[] ring = new Tensor[length];
            for (int n = 0; n < length; n++) {
                ring[n] = backend.zeros(p.gradient().shape());
            }
            history.add(ring);
        }
        for (int d = 1; d < block; d++) {
            weights.put("w" + d, Math.pow(beta, d));
        }
        partial = new CompiledKernel[block];
        for (int m = 1; m < block; m++) {
            partial[m] = backend.compile(products("probe_autocorrelation_" + lags + "_partial" + m, lags, m,
                    d -> buffer("prev" + (d + 1))).build());
        }
        clear = backend.compile(Kernel.builder("probe_autocorrelation_clear").store("slot", Expr.zero()).build());
        ema = new double[lags + 1];
        counts = new long[lags + 1];
        viewEma = new double[lags + 1];
        viewCounts = new long[lags + 1];
    }

    /**
     * The copying kernel (where B &gt; 1) and the folding kernel of a block's last observation, which
     * for B = 1 is every observation's.
     */
    static List<Kernel> kernels(int lags, int block) {
        if (lags < 1) {
            throw new IllegalArgumentException("the autocorrelation probe needs at least 1 lag, got " + lags);
        }
        if (block < 1) {
            throw new IllegalArgumentException("the autocorrelation probe's block needs at least 1 observation, got " + block);
        }
        Kernel copy = Kernel.builder("probe_autocorrelation_copy").store("slot", buffer("g")).build();
        Kernel last = products("probe_autocorrelation_" + lags + "_" + block, lags, block,
                d -> d == 0 ? buffer("g") : buffer("prev" + d))
                .store("prev" + (lags + block - 1), buffer("g")).build();
        return block == 1 ? List.of(last) : List.of(copy, last);
    }

    /**
     * The lag products of {@code m} consecutive observations: {@code x(d)} is the gradient of d
     * observations before the latest of them (d = 0..m-1+K), weighted by w_d = beta^d.
     */
    private static Kernel.Builder products(String name, int lags, int m, IntFunction<Expr> x) {
        Kernel.Builder b = Kernel.builder(name);
        for (int k = 0; k <= lags; k++) {
            Expr sum = x.apply(0).times(x.apply(k));
            for (int d = 1; d < m; d++) {
                sum = sum.plus(scalar("w" + d).times(x.apply(d)).times(x.apply(d + k)));
            }
            b.floatPartialSum("r" + k, sum);
        }
        return b;
    }

    /** The slot of the ring holding prev_n, the gradient of n observations ago. */
    private int slot(int n) {
        return Math.floorMod(newest - (n - 1), length);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The fold (the last kernel) at a block's last observation, else the copy (kernel 0). */
    @Override
    public int next() {
        return folds() ? kernels().size() - 1 : 0;
    }

    /** Whether the next observation is its block's last, which folds the block. */
    private boolean folds() {
        return pending == block - 1;
    }

    @Override
    public Map<String, Tensor> buffers(int parameter) {
        Tensor[] ring = history.get(parameter);
        return folds() ? ringBuffers(ring, length) : Map.of("slot", ring[slot(length)]);
    }

    /** prev_1..prev_n of {@code ring} by name. */
    private Map<String, Tensor> ringBuffers(Tensor[] ring, int n) {
        Map<String, Tensor> bound = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            bound.put("prev" + i, ring[slot(i)]);
        }
        return bound;
    }

    @Override
    public Map<String, Double> scalars() {
        return folds() ? weights : Map.of();
    }

    @Override
    protected void fold(List<Reductions> reductions) {
        boolean last = folds();
        newest = slot(length);
        consecutive++;
        if (last) {
            add(ema, counts, total(reductions), block);
            pending = 0;
        } else {
            pending++;
        }
    }

    /** Each lag's sum over all parameters. */
    private double[] total(List<Reductions> reductions) {
        double[] r = new double[lags + 1];
        for (Reductions red : reductions) {
            for (int k = 0; k <= lags; k++) {
                r[k] += red.get(k);
            }
        }
        return r;
    }

    /**
     * Folds the lag sums {@code r} of the latest {@code m} observations into {@code ema} and
     * {@code counts}: lag k counts those of them with more than k consecutive observations, and a lag
     * that counts none is left as it was (its sum is 0, or not finite with a non-finite gradient).
     */
    private void add(double[] ema, long[] counts, double[] r, int m) {
        for (int k = 0; k <= lags; k++) {
            int counted = (int) Math.min(m, Math.max(0, consecutive - k));
            if (counted > 0) {
                ema[k] = Math.pow(beta, counted) * ema[k] + (1 - beta) * r[k];
                counts[k] += counted;
            }
        }
    }

    /** The lag sums of the {@link #pending} observations, all in the ring. */
    private double[] pendingSums() {
        CompiledKernel kernel = partial[pending];
        List<Reductions> reductions = new ArrayList<>(history.size());
        for (Tensor[] ring : history) {
            KernelArgs args = kernel.args();
            ringBuffers(ring, pending + lags).forEach(args::buffer);
            kernel.kernel().scalars().forEach(w -> args.scalar(w, weights.get(w)));
            reductions.add(kernel.run(args));
        }
        return total(reductions);
    }

    @Override
    protected void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors) {
        for (int k = 0; k <= lags; k++) {
            scalars.put("ema" + k, ema[k]);
            scalars.put("count" + k, (double) counts[k]);
        }
        scalars.put("consecutive", (double) consecutive);
        scalars.put("pending", (double) pending);
        for (int i = 0; i < parameters.size(); i++) {
            for (int n = 1; n <= length; n++) {
                tensors.add(stateBuffer(parameters.get(i).name(), "prev" + n, history.get(i)[slot(n)]));
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
        double saved = state.scalars().getOrDefault("pending", 0.0); // absent in states saved before blocks
        if (!(saved >= 0 && saved < block && saved <= consecutive)) {
            throw new IllegalArgumentException("probe state " + state.optimizer() + ": " + saved
                    + " pending observations do not fit a block of " + block + " after " + consecutive + " consecutive");
        }
        pending = (int) saved;
        for (int i = 0; i < parameters.size(); i++) {
            for (int n = 1; n <= length; n++) {
                restore(state, parameters.get(i).name(), "prev" + n, history.get(i)[slot(n)]);
            }
        }
        viewedAt = -1;
    }

    /**
     * After a gap the ring no longer holds the gradients of 1..N steps ago: the pending observations
     * are folded in, the ring cleared, and lag k waits for k new observations.
     */
    @Override
    public void gap() {
        if (pending > 0) {
            add(ema, counts, pendingSums(), pending);
            pending = 0;
        }
        if (consecutive > 0) {
            for (Tensor[] ring : history) {
                for (Tensor t : ring) {
                    clear.run(clear.args().buffer("slot", t));
                }
            }
            consecutive = 0;
        }
        viewedAt = -1;
    }

    /** The bias-corrected R(0..K) as of the latest observation (lags not yet observed are absent). */
    public double[] autocorrelations() {
        double[] e = ema;
        long[] c = counts;
        if (pending > 0) {
            if (viewedAt != observations()) {
                System.arraycopy(ema, 0, viewEma, 0, ema.length);
                System.arraycopy(counts, 0, viewCounts, 0, counts.length);
                add(viewEma, viewCounts, pendingSums(), pending);
                viewedAt = observations();
            }
            e = viewEma;
            c = viewCounts;
        }
        int seen = 0;
        while (seen <= lags && c[seen] > 0) {
            seen++;
        }
        double[] r = new double[seen];
        for (int k = 0; k < seen; k++) {
            r[k] = e[k] * correction(c[k]);
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
