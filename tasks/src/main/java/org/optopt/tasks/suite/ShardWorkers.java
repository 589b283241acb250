package org.optopt.tasks.suite;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntToDoubleFunction;

/**
 * Persistent daemon threads that run the shards of {@link DataParallel}'s steps: shard 0 on the
 * calling thread, shard {@code k} on worker {@code k - 1}.
 *
 * <p>Hand-overs spin for up to {@link #SPIN_NANOS} ns before parking, on both sides: a worker
 * waiting for its next shard, the caller waiting for the workers. Why: an executor's hand-over parks
 * at once, and waking a parked thread costs tens of microseconds on a VM, twice a step, against
 * mnist-mlp shards of about 0.4 ms; the gap between two steps (adding the shards' gradients, the
 * optimizer's step, the next batch) is shorter than the spin on the small networks, so a worker
 * usually catches its next shard spinning, and on fmnist-2c2d (100 ms shards) the spin costs 0.1%.
 * Measured on the shared 2-core development VM (docs/performance.md): with both cores free,
 * mnist-mlp's step went from 0.97 ms on one thread to 0.63 ms on two with the spin, 0.86 ms with an
 * executor (at another, similar load); with the cores busy with other work, spinning loses (1.24-1.28
 * ms against 1.09-1.12 ms parking at once), which is what the property is for.
 */
final class ShardWorkers implements AutoCloseable {
    /**
     * How long a waiting thread spins before it parks: 100 us, or the system property
     * {@code optopt.shard-spin-nanos} (0 parks at once, as an executor does; for measuring the
     * hand-over on a given machine).
     */
    static final long SPIN_NANOS = Long.getLong("optopt.shard-spin-nanos", 100_000);

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

    /** Waits until {@code ready}: spinning for {@link #SPIN_NANOS} ns, then parked until unparked. */
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
