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
 * {@code L = sum_k (n_k / n) L_k}. Shard 0 runs on the calling thread, shard {@code k > 0} on a
 * persistent worker of the process's {@link WorkerTeam} (claimed for the step, no thread per step).
 * Every shard writes its gradient, through its tape's
 * {@linkplain Tape#Tape(org.optopt.api.backend.Backend, Map) gradient routes}, into buffers of its
 * own, which each backward pass overwrites (nothing zeroes them). When every shard is done, one
 * kernel pass per parameter ({@link #gather}) writes {@code g = b_0 + b_1 + ...}, adding in shard
 * order, and the weighted shard losses are summed in the same order: for a fixed thread count the
 * result is deterministic, run to run; against one thread only the order of float additions
 * differs (exactly the additions of accumulating the shards in order into zeroed gradients).
 *
 * <p>Why shard 0 has buffers of its own rather than accumulating into the parameters' gradients:
 * nothing is zeroed between steps (neither the gradients before shard 0 nor the buffers after the
 * gathering, which only reads them), a failed step needs no clean-up (the next backward pass
 * overwrites every buffer), and every element of a parameter's gradient is written once per step,
 * by the thread that then steps it: the backend may split the gathering pass of a large tensor over
 * the worker that has just finished its shard and spins (nd4j does, {@code ParallelLoop}), with the
 * chunk boundaries of the optimizer's step after it. On mnist-mlp the gathering got a third faster
 * (0.022 against 0.033 ms) and the step as a whole did not change measurably against accumulating
 * into the gradients: {@code docs/performance.md}, "mnist-mlp on two threads, third pass".
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

    private final ParameterStore params;
    private final int threads;
    /** The tape of a step on one thread: the parameters accumulate into their own gradients. */
    private final Tape serial;
    /** Per shard of a split step, its tape, routing the gradients to the shard's buffers. */
    private final List<Tape> tapes = new ArrayList<>();
    /** Per shard, one gradient buffer per parameter, in the store's order. */
    private final List<List<Tensor>> shardGradients = new ArrayList<>();
    /** Per number of shards {@code s >= 2} (at index {@code s - 2}), the gathering pass of each parameter. */
    private final List<List<Runnable>> gathers = new ArrayList<>();

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
        this.threads = threads;
        this.serial = new Tape(params.backend());
        int split = threads > 1 ? threads : 0; // shards with buffers of their own; none on one thread
        for (int k = 0; k < split; k++) {
            Map<Tensor, Tensor> routes = new IdentityHashMap<>();
            List<Tensor> buffers = new ArrayList<>();
            for (Parameter p : params.list()) {
                Tensor b = params.backend().zeros(p.gradient().shape());
                buffers.add(b);
                routes.put(p.gradient(), b);
            }
            shardGradients.add(buffers);
            tapes.add(new Tape(params.backend(), routes));
        }
        for (int shards = 2; shards <= threads; shards++) {
            CompiledKernel gather = params.backend().compile(gather(shards));
            List<Runnable> passes = new ArrayList<>();
            List<Parameter> list = params.list();
            for (int i = 0; i < list.size(); i++) {
                KernelArgs args = gather.args().buffer("g", list.get(i).gradient());
                for (int k = 0; k < shards; k++) {
                    args.buffer("b" + k, shardGradients.get(k).get(i));
                }
                passes.add(() -> gather.run(args));
            }
            gathers.add(passes);
        }
    }

    /** {@code g = b0 + b1 + ... + b(shards - 1)}, added in that order: the gradient of a step split {@code shards} ways. */
    static Kernel gather(int shards) {
        Expr sum = Expr.buffer("b0");
        for (int k = 1; k < shards; k++) {
            sum = sum.plus(Expr.buffer("b" + k));
        }
        return Kernel.builder("gather_" + shards + "_shard_gradients").store("g", sum).build();
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
        return threads;
    }

    /**
     * The mean loss over a batch of {@code n} examples; overwrites every parameter's gradient with
     * its gradient.
     */
    double lossAndGradient(int n, ShardLoss loss) {
        int shards = Math.min(threads(), n);
        if (shards == 1) {
            params.zeroGrads();
            serial.reset();
            Var l = loss.loss(serial, 0, n);
            serial.backward(l);
            return l.value().item();
        }
        // A failed shard leaves its buffers half written: harmless, the next backward overwrites them.
        double[] losses = WorkerTeam.shared().run(shards, k -> shard(k, shards, n, loss));
        double total = 0;
        for (double l : losses) {
            total += l;
        }
        gathers.get(shards - 2).forEach(Runnable::run);
        return total;
    }

    /** Records and back-propagates shard {@code k} of {@code shards}; its weighted loss {@code (n_k / n) L_k}. */
    private double shard(int k, int shards, int n, ShardLoss loss) {
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
        serial.close();
        tapes.forEach(Tape::close);
        shardGradients.forEach(buffers -> buffers.forEach(Tensor::close));
    }
}
