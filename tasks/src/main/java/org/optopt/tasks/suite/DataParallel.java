package org.optopt.tasks.suite;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.concurrent.WorkerTeam;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;
import org.optopt.tasks.nn.ParameterStore;

/**
 * The loss and gradient of a mini-batch, computed on one thread or split into data-parallel shards
 * on several.
 *
 * <p><b>One thread</b> records the whole batch on one tape whose parameters accumulate into their
 * own gradients: exactly what the problems did before this class existed, so one-thread runs keep
 * their trajectories bit for bit.
 *
 * <p><b>{@code threads > 1}</b>: the batch of {@code n} examples is cut into {@code min(threads, n)}
 * contiguous shards of {@code floor} or {@code ceil(n / threads)} examples (odd batch sizes and
 * batches smaller than the thread count work). Shard {@code k} with {@code n_k} examples records its
 * own mean loss {@code L_k} on its own {@link Tape} and back-propagates {@code (n_k / n) L_k}, so
 * that the shards' gradients sum to the gradient of the batch's mean loss
 * {@code L = sum_k (n_k / n) L_k}. Shard 0 runs on the calling thread and accumulates into the
 * parameters' gradients; shard {@code k > 0} runs on a persistent worker of the process's
 * {@link WorkerTeam} (claimed for the step, no thread per step) and accumulates, through its tape's
 * {@linkplain Tape#Tape(org.optopt.api.backend.Backend, Map) gradient routes}, into buffers of its
 * own. When every shard is done, the buffers of shards 1, 2, ... are added in that order to the
 * parameters' gradients and zeroed for the next step, in one kernel pass per parameter
 * ({@link #GATHER}), and the weighted shard losses are summed in the same order: for a fixed thread
 * count the result is deterministic, run to run; against one thread only the order of float
 * additions differs.
 *
 * <p>Why the buffers are zeroed after the reduction rather than by their shard: a shard worker
 * that zeroes its buffers before its tape runs starts its real work later than shard 0 (on
 * mnist-mlp, 0.05 ms of a 0.5 ms shard, the other core having last read those buffers), and the
 * step waits for the slower shard. The gathering pass already reads each buffer; writing the zeros
 * there costs little, and the backend may split the pass over the worker that has just finished
 * its shard and spins (nd4j does, {@code ParallelLoop}), as it then does for the optimizer's step.
 *
 * <p><b>What it assumes.</b> The loss is a mean of per-example losses over the batch, with nothing
 * coupling examples (no batch normalization; the suite has none), so that a shard's loss is a
 * function of its own examples. Shards share the parameter values (read only while they run), the
 * data (read only) and the backend, which must say it may be used from several threads at once
 * ({@link org.optopt.api.backend.Backend#concurrentUse}; nd4j does). On nd4j each shard's products
 * should run on one OpenBLAS thread, that backend's default: shards on more BLAS threads each than
 * there are cores would only wait on each other.
 *
 * <p>Why data parallelism rather than more BLAS threads: OpenBLAS's own threading sped the products
 * of {@code fmnist-2c2d} up 1.5x on two cores and left everything else serial (1.22x per step), and
 * it slowed {@code mnist-mlp} (0.94x), whose products are too small to split; shards run the whole
 * step, products and elementwise work, on every thread. Measurements: {@code docs/performance.md}.
 */
final class DataParallel implements AutoCloseable {
    /** A shard's loss. */
    @FunctionalInterface
    interface ShardLoss {
        /** The mean loss of examples {@code [from, to)} of the current batch, recorded on {@code tape}. */
        Var loss(Tape tape, int from, int to);
    }

    /** {@code g = g + b; b = 0}: adds a shard's gradient buffer {@code b} and clears it for the next step. */
    static final Kernel GATHER = Kernel.builder("gather_shard_gradient")
            .store("g", Expr.buffer("g").plus(Expr.buffer("b")))
            .store("b", Expr.zero())
            .build();

    private final ParameterStore params;
    private final List<Tape> tapes = new ArrayList<>();
    /** Per shard {@code k > 0}, one gradient buffer per parameter, in the store's order. */
    private final List<List<Tensor>> shardGradients = new ArrayList<>();
    /** Per shard {@code k > 0}, the {@link #GATHER} pass of each parameter, in the store's order. */
    private final List<List<KernelArgs>> gathers = new ArrayList<>();
    private final CompiledKernel gather;

    /**
     * Splits steps over {@code threads} threads ({@code threads - 1} pooled workers besides the caller).
     *
     * @throws IllegalArgumentException if {@code threads < 1}, or {@code threads > 1} on a backend
     *     that may not be used from several threads at once ({@link org.optopt.api.backend.Backend#concurrentUse})
     */
    DataParallel(ParameterStore params, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (threads > 1 && !params.backend().concurrentUse()) {
            throw new IllegalArgumentException("Backend " + params.backend().name() + " cannot be used from several"
                    + " threads at once; data-parallel steps on " + threads + " threads need a backend that can (nd4j)");
        }
        this.params = params;
        tapes.add(new Tape(params.backend()));
        this.gather = threads == 1 ? null : params.backend().compile(GATHER);
        for (int k = 1; k < threads; k++) {
            Map<Tensor, Tensor> routes = new IdentityHashMap<>();
            List<Tensor> buffers = new ArrayList<>();
            List<KernelArgs> passes = new ArrayList<>();
            for (Parameter p : params.list()) {
                Tensor b = params.backend().zeros(p.gradient().shape());
                buffers.add(b);
                passes.add(gather.args().buffer("g", p.gradient()).buffer("b", b));
                routes.put(p.gradient(), b);
            }
            shardGradients.add(buffers);
            gathers.add(passes);
            tapes.add(new Tape(params.backend(), routes));
        }
    }

    /**
     * Steps over the same parameters on {@code threads} threads; closes this one.
     *
     * @throws IllegalArgumentException as the constructor, leaving this one open
     */
    DataParallel onThreads(int threads) {
        DataParallel next = new DataParallel(params, threads);
        close();
        return next;
    }

    /** The number of threads a step may use. */
    int threads() {
        return tapes.size();
    }

    /**
     * The mean loss over a batch of {@code n} examples; overwrites every parameter's gradient with
     * its gradient.
     */
    double lossAndGradient(int n, ShardLoss loss) {
        int shards = Math.min(threads(), n);
        if (shards == 1) {
            params.zeroGrads();
            Tape tape = tapes.get(0);
            tape.reset();
            Var l = loss.loss(tape, 0, n);
            tape.backward(l);
            return l.value().item();
        }
        double[] losses;
        try {
            losses = WorkerTeam.shared().run(shards, k -> shard(k, shards, n, loss));
        } catch (RuntimeException | Error e) {
            clearShardGradients(); // a failed step leaves them half written; the next must start from zeros
            throw e;
        }
        double total = 0;
        for (double l : losses) {
            total += l;
        }
        for (int k = 1; k < shards; k++) {
            gathers.get(k - 1).forEach(gather::run);
        }
        return total;
    }

    private void clearShardGradients() {
        shardGradients.forEach(buffers -> buffers.forEach(b -> params.backend().fillInPlace(b, 0f)));
    }

    /** Records and back-propagates shard {@code k} of {@code shards}; its weighted loss {@code (n_k / n) L_k}. */
    private double shard(int k, int shards, int n, ShardLoss loss) {
        if (k == 0) {
            params.zeroGrads(); // here, after the other shards were handed out, rather than before
        }
        int from = (int) ((long) k * n / shards);
        int to = (int) ((long) (k + 1) * n / shards);
        Tape tape = tapes.get(k);
        tape.reset();
        double weight = (double) (to - from) / n;
        Var l = loss.loss(tape, from, to);
        tape.backward(Elementwise.scale(l, weight));
        return weight * l.value().item();
    }

    /** Closes the tapes and the shards' gradient buffers (not the parameters). */
    @Override
    public void close() {
        tapes.forEach(Tape::close);
        shardGradients.forEach(buffers -> buffers.forEach(Tensor::close));
    }
}
