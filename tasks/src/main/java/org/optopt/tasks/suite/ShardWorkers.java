package org.optopt.tasks.suite;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntToDoubleFunction;

/**
 * Persistent daemon threads that run the shards of {@link DataParallel}'s steps: shard 0 on the
 * calling thread, shard {@code k} on worker {@code k - 1}.
 *
 * <p>Hand-overs spin for up to {@value #SPIN_NANOS} ns before parking, on both sides: a worker
 * waiting for its next shard, the caller waiting for the workers. Why: an executor's hand-over parks
 * at once, and waking a parked thread took tens of microseconds on the 2-vCPU VMs measured here
 * (two concurrent 0.1 ms products through {@code CompletableFuture.runAsync} reached 63 GFLOP/s
 * together, one alone 75), which is a tenth of a 0.5 ms mnist-mlp shard, paid twice a step. The gap
 * between two steps (adding the shards' gradients, the optimizer's step, the next batch) is about as
 * long as the spin on the small networks, so a worker usually catches the next shard spinning; on
 * fmnist-2c2d (100 ms shards) the spin costs 0.1%.
 */
final class ShardWorkers implements AutoCloseable {
    /** How long a waiting thread spins before it parks. */
    static final long SPIN_NANOS = 100_000;

    private final Worker[] workers;

    /** Starts {@code count} workers. */
    ShardWorkers(int count) {
        workers = new Worker[count];
        for (int k = 0; k < count; k++) {
            workers[k] = new Worker();
            workers[k].start();
        }
    }

    /**
     * {@code shard.applyAsDouble(k)} for {@code k < shards} ({@code shards - 1} at most the number of
     * workers), each on its own thread; returns when all are done, with their results in shard order.
     * A failure is rethrown (that of the lowest shard) once every shard has finished.
     */
    double[] run(int shards, IntToDoubleFunction shard) {
        Thread caller = Thread.currentThread();
        for (int k = 1; k < shards; k++) {
            workers[k - 1].assign(k, shard, caller);
        }
        double[] results = new double[shards];
        Throwable failure = null;
        try {
            results[0] = shard.applyAsDouble(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int k = 1; k < shards; k++) {
            Worker w = workers[k - 1];
            await(w::done);
            results[k] = w.result;
            failure = failure != null ? failure : w.failure;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException("A data-parallel shard failed", failure);
        }
        return results;
    }

    /** Stops the workers (between steps). */
    @Override
    public void close() {
        for (Worker w : workers) {
            w.stop = true;
            LockSupport.unpark(w);
        }
    }

    /** Waits until {@code ready}: spinning for {@value #SPIN_NANOS} ns, then parked until unparked. */
    private static void await(BooleanSupplier ready) {
        long start = System.nanoTime();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park();
            }
        }
    }

    /**
     * One worker: the caller writes the shard's fields, then {@code assigned} (a volatile write that
     * publishes them); the worker writes the result, then {@code finished}, and unparks the caller.
     */
    private static final class Worker extends Thread {
        private volatile long assigned;
        private volatile long finished;
        private volatile boolean stop;
        private int index;
        private IntToDoubleFunction shard;
        private Thread caller;
        private double result;
        private Throwable failure;

        Worker() {
            super("optopt-shard");
            setDaemon(true);
        }

        void assign(int index, IntToDoubleFunction shard, Thread caller) {
            this.index = index;
            this.shard = shard;
            this.caller = caller;
            this.failure = null;
            assigned = assigned + 1;
            LockSupport.unpark(this);
        }

        boolean done() {
            return finished == assigned;
        }

        @Override
        public void run() {
            while (true) {
                await(() -> stop || assigned != finished);
                if (stop) {
                    return;
                }
                try {
                    result = shard.applyAsDouble(index);
                } catch (Throwable e) {
                    failure = e;
                }
                Thread waiting = caller;
                finished = assigned;
                LockSupport.unpark(waiting);
            }
        }
    }
}
