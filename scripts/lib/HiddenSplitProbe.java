import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A scratch harness, not the product's training loop: times one Adam step of mnist-mlp's network
 * (784-128-10, ReLU, softmax cross-entropy, batch 128, 101,770 parameters) on one thread against
 * the same step split by hidden units over two threads (issue 22; docs/performance.md, "A
 * hidden-unit split, measured in a harness").
 *
 * <p>The split: thread {@code c} owns hidden units {@code 64c..64c+63}, i.e. its own arrays for
 * those rows of W1 (stored hidden-major, 64 x 784), of b1 and of W2 (64 x 10), their gradients
 * and Adam moments. Per step it computes its 128 x 64 activations and its partial logits
 * (128 x 64 times 64 x 10); the ONE exchange is the two 128 x 10 partial logits (5 KB each,
 * summed in the same order on both threads); then each thread redundantly computes the softmax
 * loss, the logits' gradient and b2's gradient and Adam step (b2 is replicated), and alone its
 * rows of dW2, its half of dH, its dW1 half (64 x 784), db1 half and their Adam steps. Hand-over
 * by spinning on cache-line-padded counters: a start signal, one barrier for the partial logits,
 * one at the end of the step. One thread runs the same code with one 128-unit slab.
 *
 * <p>Matrix products: the project's nd4j backend's {@code OpenBlas.sgemm} (OpenBLAS bundled with
 * ND4J, FFM critical downcalls on heap arrays, one OpenBLAS thread), reached by reflection with
 * the built jars on the class path; elementwise work in plain Java loops (the product uses its own
 * kernels, so absolute times differ from {@code bench task}). Input: 8 fixed batches of uniform
 * random pixels and labels (the products' times do not depend on the values).
 *
 * <p>Usage (scripts/bench-hidden-split.sh builds the class path):
 * {@code java --enable-native-access=ALL-UNNAMED -cp JARS HiddenSplitProbe.java [ROUNDS] [STEPS] [WARMUP]}.
 * First checks that the split step gives the same losses and parameters as the one-thread step
 * over a few steps (max relative difference printed), then alternates one-thread and split runs
 * (order swapped every round), printing each run's median, mean and p90 ms per step with the load
 * average and the core round trip ({@code CoreRoundTrip.java}) measured just before it; a third
 * run per round times one thread doing only the split step's first half (its slab, the loss, the
 * Adam steps of its half) with no second thread: what the split would take with free hand-overs.
 */
public final class HiddenSplitProbe {
    static final int BATCH = 128;
    static final int IN = 784;
    static final int HIDDEN = 128;
    static final int OUT = 10;
    static final int BATCHES = 8;
    static final int CHECK_STEPS = 5;

    private static final MethodHandle SGEMM;

    static {
        try {
            Class<?> blas = Class.forName("org.optopt.backend.nd4j.OpenBlas");
            Method sgemm = blas.getDeclaredMethod("sgemm", boolean.class, boolean.class, int.class, int.class,
                    int.class, float.class, float[].class, int.class, float[].class, int.class, float.class,
                    float[].class);
            Method threads = blas.getDeclaredMethod("setThreads", int.class);
            sgemm.setAccessible(true);
            threads.setAccessible(true);
            SGEMM = MethodHandles.lookup().unreflect(sgemm);
            threads.invoke(null, 1);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach org.optopt.backend.nd4j.OpenBlas (run through "
                    + "scripts/bench-hidden-split.sh, which puts the built jars on the class path): " + e, e);
        }
    }

    private HiddenSplitProbe() {}

    /** Row-major {@code c = op(a) op(b) + beta c}, {@code op(a)} m x k. */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
            float beta, float[] c) {
        try {
            SGEMM.invokeExact(ta, tb, m, n, k, 1f, a, lda, b, ldb, beta, c);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Adam (lr 1e-3, 0.9, 0.999, eps 1e-8) moments of one tensor. */
    static final class Adam {
        final float[] m;
        final float[] v;

        Adam(int size) {
            m = new float[size];
            v = new float[size];
        }

        void step(float[] p, float[] g, long t) {
            double lrT = 1e-3 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            float lr = (float) lrT;
            for (int i = 0; i < p.length; i++) {
                float gi = g[i];
                float mi = 0.9f * m[i] + 0.1f * gi;
                float vi = 0.999f * v[i] + 0.001f * gi * gi;
                m[i] = mi;
                v[i] = vi;
                p[i] -= lr * mi / ((float) Math.sqrt(vi) + 1e-8f);
            }
        }
    }

    /** Some hidden units: their rows of W1 (hidden-major), b1 and W2, gradients, moments, activations. */
    static final class Slab {
        final int units;
        final float[] w1, b1, w2, gw1, gb1, gw2, h, dh, partial;
        final Adam aw1, ab1, aw2;

        Slab(float[] w1, float[] b1, float[] w2) {
            units = b1.length;
            this.w1 = w1;
            this.b1 = b1;
            this.w2 = w2;
            gw1 = new float[w1.length];
            gb1 = new float[units];
            gw2 = new float[w2.length];
            h = new float[BATCH * units];
            dh = new float[BATCH * units];
            partial = new float[BATCH * OUT];
            aw1 = new Adam(w1.length);
            ab1 = new Adam(units);
            aw2 = new Adam(w2.length);
        }

        /** Units {@code from..from+count-1} of this slab, copied. */
        Slab part(int from, int count) {
            return new Slab(Arrays.copyOfRange(w1, from * IN, (from + count) * IN),
                    Arrays.copyOfRange(b1, from, from + count),
                    Arrays.copyOfRange(w2, from * OUT, (from + count) * OUT));
        }

        /** h = relu(x W1^T + b1), partial = h W2. */
        void forward(float[] x) {
            for (int i = 0; i < BATCH; i++) {
                System.arraycopy(b1, 0, h, i * units, units);
            }
            gemm(false, true, BATCH, units, IN, x, IN, w1, IN, 1f, h);
            for (int i = 0; i < h.length; i++) {
                h[i] = Math.max(h[i], 0f);
            }
            gemm(false, false, BATCH, OUT, units, h, units, w2, OUT, 0f, partial);
        }

        /** Gradients of this slab's parameters from the logits' gradient, then their Adam steps. */
        void backwardAndStep(float[] x, float[] dlogits, long t) {
            gemm(true, false, units, OUT, BATCH, h, units, dlogits, OUT, 0f, gw2);
            gemm(false, true, BATCH, units, OUT, dlogits, OUT, w2, OUT, 0f, dh);
            Arrays.fill(gb1, 0f);
            for (int i = 0, r = 0; r < BATCH; r++) {
                for (int j = 0; j < units; j++, i++) {
                    if (h[i] <= 0f) {
                        dh[i] = 0f;
                    }
                    gb1[j] += dh[i];
                }
            }
            gemm(true, false, units, IN, BATCH, dh, units, x, IN, 0f, gw1);
            aw1.step(w1, gw1, t);
            ab1.step(b1, gb1, t);
            aw2.step(w2, gw2, t);
        }
    }

    /** The output bias and the loss, one replica per thread (each computes the same numbers). */
    static final class Head {
        final float[] b2, gb2 = new float[OUT], dlogits = new float[BATCH * OUT];
        final Adam ab2 = new Adam(OUT);
        double loss;

        Head(float[] b2) {
            this.b2 = b2;
        }

        /** Mean softmax cross-entropy of logits = sum of partials + b2, its gradient and b2's. */
        void lossAndGradient(Slab[] slabs, int[] labels) {
            Arrays.fill(gb2, 0f);
            double sum = 0;
            for (int r = 0; r < BATCH; r++) {
                int o = r * OUT;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < OUT; j++) {
                    float z = b2[j];
                    for (Slab s : slabs) {
                        z += s.partial[o + j];
                    }
                    dlogits[o + j] = z;
                    max = Math.max(max, z);
                }
                float total = 0f;
                for (int j = 0; j < OUT; j++) {
                    float e = (float) Math.exp(dlogits[o + j] - max);
                    dlogits[o + j] = e;
                    total += e;
                }
                sum -= Math.log(dlogits[o + labels[r]] / total);
                for (int j = 0; j < OUT; j++) {
                    float d = (dlogits[o + j] / total - (j == labels[r] ? 1f : 0f)) / BATCH;
                    dlogits[o + j] = d;
                    gb2[j] += d;
                }
            }
            loss = sum / BATCH;
        }
    }

    /** The network as one slab (one thread) or two (two threads), with a head per thread. */
    static final class Model {
        final Slab[] slabs;
        final Head[] heads;
        /** ns each thread spent waiting for the other's partial logits, and the caller for the worker's end. */
        final long[] waits = new long[3];
        /** ns each thread spent in its forward pass, the head (loss, reading the partials) and the rest. */
        final long[][] phases = new long[2][3];
        long steps;

        Model(Slab[] slabs, Head[] heads) {
            this.slabs = slabs;
            this.heads = heads;
        }

        static Model whole(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] w1 = uniform(random, HIDDEN * IN, (float) Math.sqrt(6.0 / (IN + HIDDEN)));
            float[] w2 = uniform(random, HIDDEN * OUT, (float) Math.sqrt(6.0 / (HIDDEN + OUT)));
            return new Model(new Slab[] {new Slab(w1, new float[HIDDEN], w2)}, new Head[] {new Head(new float[OUT])});
        }

        static Model split(long seed) {
            Model whole = whole(seed);
            Slab all = whole.slabs[0];
            int half = HIDDEN / 2;
            return new Model(new Slab[] {all.part(0, half), all.part(half, half)},
                    new Head[] {new Head(new float[OUT]), new Head(new float[OUT])});
        }

        /** Thread {@code c}'s share of step {@code t} (1-based), the partial logits exchanged through {@code sync}. */
        void work(int c, long t, float[] x, int[] labels, AtomicLongArray sync) {
            long p0 = System.nanoTime();
            slabs[c].forward(x);
            long p1 = System.nanoTime();
            phases[c][0] += p1 - p0;
            if (sync != null) {
                sync.set(Sync.READY + c * Sync.PAD, t);
                long w0 = System.nanoTime();
                Sync.await(sync, Sync.READY + (1 - c) * Sync.PAD, t);
                waits[c] += System.nanoTime() - w0;
            }
            long p2 = System.nanoTime();
            heads[c].lossAndGradient(slabs, labels);
            long p3 = System.nanoTime();
            slabs[c].backwardAndStep(x, heads[c].dlogits, t);
            heads[c].ab2.step(heads[c].b2, heads[c].gb2, t);
            phases[c][1] += p3 - p2;
            phases[c][2] += System.nanoTime() - p3;
        }

        /** The parameters in the one-thread layout: W1, b1, W2, b2 concatenated. */
        float[] parameters() {
            float[] all = new float[HIDDEN * IN + HIDDEN + HIDDEN * OUT + OUT];
            int at = 0;
            for (Slab s : slabs) {
                System.arraycopy(s.w1, 0, all, at, s.w1.length);
                at += s.w1.length;
            }
            for (Slab s : slabs) {
                System.arraycopy(s.b1, 0, all, at, s.units);
                at += s.units;
            }
            for (Slab s : slabs) {
                System.arraycopy(s.w2, 0, all, at, s.w2.length);
                at += s.w2.length;
            }
            System.arraycopy(heads[0].b2, 0, all, at, OUT);
            return all;
        }
    }

    static float[] uniform(SplittableRandom random, int size, float limit) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) ((2 * random.nextDouble() - 1) * limit);
        }
        return a;
    }

    /** Spin flags, each on its own 128-byte stretch: start (step number), the partials' readiness, done. */
    static final class Sync {
        static final int PAD = 16;
        static final int GO = 0;
        static final int READY = PAD;
        static final int DONE = 3 * PAD;
        static final long STOP = Long.MAX_VALUE;

        static long await(AtomicLongArray flags, int index, long atLeast) {
            long v;
            while ((v = flags.get(index)) < atLeast) {
                Thread.onSpinWait();
            }
            return v;
        }
    }

    /**
     * Runs {@code n} steps of {@code model}, returning each step's wall-clock ns: on two threads when it
     * has two slabs, unless {@code alone}, when the calling thread does only the first slab's share
     * (the split step's work on one core without the other: a bound on what the split can reach).
     */
    static long[] run(Model model, boolean alone, int n, float[][] xs, int[][] ys) throws InterruptedException {
        long[] ns = new long[n];
        if (model.slabs.length == 1 || alone) {
            for (int i = 0; i < n; i++) {
                long t = ++model.steps;
                int b = (int) (t % BATCHES);
                long t0 = System.nanoTime();
                model.work(0, t, xs[b], ys[b], null);
                ns[i] = System.nanoTime() - t0;
            }
            return ns;
        }
        AtomicLongArray sync = new AtomicLongArray(4 * Sync.PAD);
        long first = model.steps + 1;
        Thread worker = new Thread(() -> {
            for (long t = first; ; t++) {
                if (Sync.await(sync, Sync.GO, t) == Sync.STOP) {
                    return;
                }
                int b = (int) (t % BATCHES);
                model.work(1, t, xs[b], ys[b], sync);
                sync.set(Sync.DONE, t);
            }
        });
        worker.start();
        for (int i = 0; i < n; i++) {
            long t = ++model.steps;
            int b = (int) (t % BATCHES);
            long t0 = System.nanoTime();
            sync.set(Sync.GO, t);
            model.work(0, t, xs[b], ys[b], sync);
            long w0 = System.nanoTime();
            Sync.await(sync, Sync.DONE, t);
            long t1 = System.nanoTime();
            model.waits[2] += t1 - w0;
            ns[i] = t1 - t0;
        }
        sync.set(Sync.GO, Sync.STOP);
        worker.join();
        return ns;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        if (rounds < 1 || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("ROUNDS and STEPS must be positive and WARMUP not negative");
        }
        SplittableRandom random = new SplittableRandom(22);
        float[][] xs = new float[BATCHES][];
        int[][] ys = new int[BATCHES][BATCH];
        for (int b = 0; b < BATCHES; b++) {
            xs[b] = uniform(random, BATCH * IN, 1f);
            for (int i = 0; i < BATCH; i++) {
                ys[b][i] = random.nextInt(OUT);
            }
        }
        check(xs, ys);

        Model one = Model.whole(1);
        Model two = Model.split(1);
        Model half = Model.split(1);
        String[] names = {"1 thread", "split, 2 threads", "split's half alone, 1 thread"};
        double[][] medians = new double[names.length][rounds];
        for (int r = 0; r < rounds; r++) {
            int[] order = r % 2 == 0 ? new int[] {0, 1, 2} : new int[] {1, 0, 2};
            for (int mode : order) {
                Model m = mode == 0 ? one : mode == 1 ? two : half;
                String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
                double trip = CoreRoundTrip.nanosPerRoundTrip();
                run(m, mode == 2, warmup, xs, ys);
                Arrays.fill(m.waits, 0);
                for (long[] p : m.phases) {
                    Arrays.fill(p, 0);
                }
                long[] ns = run(m, mode == 2, steps, xs, ys);
                Arrays.sort(ns);
                double median = ns[steps / 2] / 1e6;
                double p90 = ns[(int) (steps * 0.9)] / 1e6;
                double mean = Arrays.stream(ns).average().orElseThrow() / 1e6;
                medians[mode][r] = median;
                String waits = String.format("%n    per step, us: forward %s, head %s, backward and Adam %s%s",
                        phase(m, 0, steps), phase(m, 1, steps), phase(m, 2, steps), mode != 1 ? ""
                        : String.format("; waits: caller %.1f and worker %.1f for the partials, caller %.1f for the end",
                        m.waits[0] / 1e3 / steps, m.waits[1] / 1e3 / steps, m.waits[2] / 1e3 / steps));
                System.out.printf("round %d, %s: %.3f ms/step (mean %.3f, p90 %.3f), load %s, core round trip "
                        + "%.0f ns%s%n", r + 1, names[mode], median, mean, p90, load, trip, waits);
            }
        }
        for (double[] m : medians) {
            Arrays.sort(m);
        }
        double a = medians[0][rounds / 2];
        double b = medians[1][rounds / 2];
        System.out.printf("median over %d round(s): 1 thread %.3f ms/step, split on 2 threads %.3f (speedup "
                + "%.2f), the split's half alone %.3f%n", rounds, a, b, a / b, medians[2][rounds / 2]);
    }

    /** The split step against the one-thread step from the same initial parameters: losses and parameters. */
    static void check(float[][] xs, int[][] ys) throws InterruptedException {
        Model one = Model.whole(7);
        Model two = Model.split(7);
        double lossDiff = 0;
        for (int i = 0; i < CHECK_STEPS; i++) {
            run(one, false, 1, xs, ys);
            run(two, false, 1, xs, ys);
            lossDiff = Math.max(lossDiff, relative(one.heads[0].loss, two.heads[0].loss));
            lossDiff = Math.max(lossDiff, relative(two.heads[0].loss, two.heads[1].loss));
        }
        float[] p = one.parameters();
        float[] q = two.parameters();
        double paramDiff = 0;
        double scale = 0;
        for (float v : p) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < p.length; i++) {
            paramDiff = Math.max(paramDiff, Math.abs(p[i] - q[i]) / scale);
        }
        double replicaDiff = 0;
        for (int j = 0; j < OUT; j++) {
            replicaDiff = Math.max(replicaDiff, Math.abs(two.heads[0].b2[j] - two.heads[1].b2[j]));
        }
        System.out.printf("check over %d Adam steps: losses %.6f (1 thread) and %.6f (split), max relative "
                + "difference of the losses %.2e, of the %d parameters %.2e (|difference| / max |parameter|), "
                + "b2 replicas differ by %.1e%n", CHECK_STEPS, one.heads[0].loss, two.heads[0].loss, lossDiff, p.length,
                paramDiff, replicaDiff);
        if (lossDiff > 1e-4 || paramDiff > 1e-4 || replicaDiff != 0) {
            throw new IllegalStateException("the split step does not compute the one-thread step's numbers");
        }
    }

    /** Phase {@code k}'s mean us per step on the caller, and on the worker where it ran. */
    static String phase(Model m, int k, int steps) {
        String caller = String.format("%.1f", m.phases[0][k] / 1e3 / steps);
        return m.phases[1][k] == 0 ? caller : caller + String.format(" / %.1f", m.phases[1][k] / 1e3 / steps);
    }

    static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }
}
