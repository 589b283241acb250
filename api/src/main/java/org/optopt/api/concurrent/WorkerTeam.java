package org.optopt.api.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntToDoubleFunction;

/**
 * Persistent daemon worker threads that callers claim for one piece of parallel work at a time: a
 * {@link Crew} of the calling thread and {@code k} claimed workers runs tasks {@code 0..k} (task 0 on
 * the caller) and releases the workers when closed.
 *
 * <p><b>Why one team for the whole process.</b> A data-parallel training step (shards of the batch,
 * in the tasks module) is followed by the optimizer's kernels (in a backend), then by the next step:
 * if each layer had threads of its own, a shard worker would spin while a kernel worker runs,
 * three threads on two cores. With one team the worker that ran shard 1 is free, and still
 * spinning, when the optimizer's kernel asks for a helper ({@link #claimSpinning}), so that even
 * a kernel over 0.1 M elements (tens of microseconds) pays for the hand-over.
 *
 * <p><b>Hand-overs.</b> A waiting thread spins ({@link Thread#onSpinWait}) for {@link #SPIN_NANOS}
 * before it parks, on both sides: a worker waiting for its next task, the caller waiting for the
 * workers. Waking a parked thread costs tens of microseconds on the virtual machines measured, and
 * sometimes (about one hand-over in ten on the 2-vCPU development VM) 1.5 ms: far longer than a
 * small network's shard (0.4 ms). The default spin, 1 ms, outlasts the gaps inside a training
 * loop's steps (the caller's share of the gradient reduction, the optimizer's step, the next
 * batch), so that a worker parks only when the loop stops stepping (an evaluation, a checkpoint,
 * the end of a run). Measurements: {@code docs/performance.md}, "mnist-mlp on two threads".
 *
 * <p>Workers are claimed with a compare-and-set, so several callers (e.g. trials training on
 * threads of their own) may use the team at once; {@link #claim} starts more workers when all are
 * claimed, and prefers the lowest free one (the same worker step after step keeps its caches warm).
 */
public final class WorkerTeam {
    /**
     * How long a waiting thread spins before it parks: 1 ms, or the system property
     * {@code optopt.shard-spin-nanos} (0 parks at once, as an executor's hand-over does; for
     * measuring the hand-over on a given machine).
     */
    public static final long SPIN_NANOS = Long.getLong("optopt.shard-spin-nanos", 1_000_000);

    private static final WorkerTeam SHARED = new WorkerTeam(SPIN_NANOS);

    private final long spinNanos;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();

    /**
     * A team of its own (the process's is {@link #shared()}) whose waiting threads spin for
     * {@code spinNanos} before parking.
     */
    public WorkerTeam(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    /** The process's team. */
    public static WorkerTeam shared() {
        return SHARED;
    }

    /**
     * The caller and {@code helpers} workers: free ones if there are, otherwise new ones.
     *
     * @throws IllegalArgumentException if {@code helpers < 0}
     */
    public Crew claim(int helpers) {
        if (helpers < 0) {
            throw new IllegalArgumentException("helpers must be at least 0, got " + helpers);
        }
        List<Worker> claimed = claimFree(helpers, false);
        while (claimed.size() < helpers) {
            Worker w = new Worker(this);
            w.claimed.set(true);
            workers.add(w);
            w.start();
            claimed.add(w);
        }
        return new Crew(claimed);
    }

    /**
     * The caller and up to {@code helpers} workers that are spinning right now, so that handing
     * them a task costs no wake-up; none if no worker is (then the crew is the caller alone).
     */
    public Crew claimSpinning(int helpers) {
        return new Crew(claimFree(helpers, true));
    }

    /** {@code task.applyAsDouble(k)} for {@code k < tasks}, on {@code tasks - 1} claimed workers and the caller. */
    public double[] run(int tasks, IntToDoubleFunction task) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
        }
        try (Crew crew = claim(tasks - 1)) {
            return crew.run(task);
        }
    }

    private List<Worker> claimFree(int helpers, boolean spinningOnly) {
        List<Worker> claimed = new ArrayList<>(Math.max(0, helpers));
        for (Worker w : workers) {
            if (claimed.size() >= helpers) {
                break;
            }
            if ((!spinningOnly || w.spinning) && w.claimed.compareAndSet(false, true)) {
                claimed.add(w);
            }
        }
        return claimed;
    }

    /** Waits until {@code ready}: spinning for {@link #SPIN_NANOS} ns, then parked until unparked. */
    private void await(BooleanSupplier ready) {
        long start = System.nanoTime();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() - start < spinNanos) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /**
     * The caller and the workers claimed for it, until {@link #close()}. Not thread-safe: one
     * caller uses it.
     */
    public static final class Crew implements AutoCloseable {
        private final List<Worker> helpers;
        private boolean closed;

        private Crew(List<Worker> helpers) {
            this.helpers = helpers;
        }

        /** The threads of this crew: the caller and its workers. */
        public int size() {
            return helpers.size() + 1;
        }

        /**
         * {@code task.applyAsDouble(k)} for {@code k < size()}: task 0 on the calling thread, task
         * {@code k} on worker {@code k - 1}; returns when all are done, with their results in task
         * order. A failure is rethrown (that of the lowest task) once every task has finished.
         *
         * @throws IllegalStateException if the crew is closed
         */
        public double[] run(IntToDoubleFunction task) {
            if (closed) {
                throw new IllegalStateException("The crew is closed");
            }
            Thread caller = Thread.currentThread();
            for (int k = 0; k < helpers.size(); k++) {
                helpers.get(k).assign(k + 1, task, caller);
            }
            double[] results = new double[size()];
            Throwable failure = null;
            try {
                results[0] = task.applyAsDouble(0);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int k = 0; k < helpers.size(); k++) {
                Worker w = helpers.get(k);
                w.team.await(w::done);
                results[k + 1] = w.result;
                failure = failure != null ? failure : w.failure;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            } else if (failure != null) {
                throw new IllegalStateException("A parallel task failed", failure);
            }
            return results;
        }

        /** Releases the workers to the team. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                helpers.forEach(w -> w.claimed.set(false));
            }
        }
    }

    /**
     * One worker: the caller writes the task's fields, then {@code assigned} (a volatile write that
     * publishes them); the worker writes the result, then {@code finished}, and unparks the caller.
     */
    private static final class Worker extends Thread {
        private final WorkerTeam team;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private volatile long assigned;
        private volatile long finished;
        /** Whether the worker is waiting for a task without having parked: a hand-over costs no wake-up. */
        private volatile boolean spinning;
        private int index;
        private IntToDoubleFunction task;
        private Thread caller;
        private double result;
        private Throwable failure;

        Worker(WorkerTeam team) {
            super("optopt-worker");
            this.team = team;
            setDaemon(true);
        }

        void assign(int index, IntToDoubleFunction task, Thread caller) {
            this.index = index;
            this.task = task;
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
                waitForTask();
                try {
                    result = task.applyAsDouble(index);
                } catch (Throwable e) {
                    failure = e;
                }
                Thread waiting = caller;
                task = null;
                caller = null;
                spinning = true; // claimable without a wake-up as soon as the caller sees the task done
                finished = assigned;
                LockSupport.unpark(waiting);
            }
        }

        /** Spins (advertising it in {@link #spinning}) for the team's spin time, then parks, until assigned. */
        private void waitForTask() {
            long start = System.nanoTime();
            spinning = true;
            while (assigned == finished) {
                if (System.nanoTime() - start < team.spinNanos) {
                    Thread.onSpinWait();
                } else {
                    spinning = false;
                    LockSupport.park(team);
                }
            }
            spinning = false;
        }
    }
}
