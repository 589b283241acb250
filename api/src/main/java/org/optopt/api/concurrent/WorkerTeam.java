package org.optopt.api.concurrent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p><b>Hand-overs.</b> A waiting thread spins ({@link Thread#onSpinWait}) before it parks, on both
 * sides: a worker waiting for its next task, the caller waiting for the workers. Waking a parked
 * thread costs tens of microseconds on the virtual machines measured, and sometimes (about one
 * hand-over in ten on the 2-vCPU development VM) 1.5 ms: far longer than a small network's shard
 * (0.4 ms). The spin, up to 1 ms ({@link #SPIN_NANOS}), outlasts the gaps inside a training loop's
 * steps (the shards' imbalance, the gradient gathering, the optimizer's step, the next batch), so
 * that on free cores a worker parks only when the loop stops stepping (an evaluation, a
 * checkpoint, the end of a run).
 *
 * <p><b>Busy cores.</b> Spinning is what loses when other processes want the cores: the spinner
 * keeps its core and burns the process's share of CPU while the thread doing the work is
 * descheduled (mnist-mlp on two threads, load average 5 on 2 cores: 3.1-3.4 ms per step with a
 * fixed 1 ms spin against 1.2-1.3 ms with 100 us). So the spin adapts ({@link #spin}): a task
 * whose wall-clock time exceeds its thread's CPU time, or a spinner that finds the clock jumped,
 * was descheduled, and halves the spin, down to {@value #MIN_SPIN_NANOS} ns; each successful spin
 * lengthens it by {@value #SPIN_STEP_NANOS} ns again. Measurements: {@code docs/performance.md}, "mnist-mlp on two
 * threads".
 *
 * <p><b>Tasks taken back.</b> A worker that has not started its task when the caller has finished
 * task 0 (not scheduled, or slow to wake) has it taken back: the caller runs it
 * ({@link Crew#run}). Which thread runs a task does not change its result.
 *
 * <p>Workers are claimed with a compare-and-set, so several callers (e.g. trials training on
 * threads of their own) may use the team at once; {@link #claim} starts more workers when all are
 * claimed, and prefers the lowest free one (the same worker step after step keeps its caches warm).
 */
public final class WorkerTeam {
    /**
     * The longest a waiting thread spins before it parks: 1 ms, or the system property
     * {@code optopt.shard-spin-nanos} (0 parks at once, as an executor's hand-over does; for
     * measuring the hand-over on a given machine).
     */
    public static final long SPIN_NANOS = Long.getLong("optopt.shard-spin-nanos", 1_000_000);

    /**
     * Whether the spin adapts to how busy the cores are ({@link #spin}): true, or the system
     * property {@code optopt.shard-spin-adaptive} (false spins the whole {@link #SPIN_NANOS} every
     * time; for measuring the adaptation).
     */
    public static final boolean ADAPTIVE = Boolean.parseBoolean(System.getProperty("optopt.shard-spin-adaptive", "true"));

    /**
     * A spin never shrinks below this many ns (unless the team's spin time is shorter): 100 us, the
     * fixed spin before the adaptation, which measured as well as parking at once on busy cores and
     * covers most gaps inside a step on free ones.
     */
    static final long MIN_SPIN_NANOS = 100_000;

    /** What a successful spin adds to the spin limit, in ns. */
    static final long SPIN_STEP_NANOS = 10_000;

    /** A spinning thread that sees the clock jump by more than this was descheduled. */
    static final long PREEMPTED_NANOS = 50_000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final WorkerTeam SHARED = new WorkerTeam(SPIN_NANOS, ADAPTIVE);

    private final long maxSpinNanos;
    private final boolean adaptive;
    /** The current spin limit, adapted by {@link #spin} (races between threads only blur it). */
    private volatile long spinLimit;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    /** Workers whose task was taken back and that have not yet seen it go (they free themselves). */
    private final AtomicInteger orphans = new AtomicInteger();

    /**
     * A team of its own (the process's is {@link #shared()}) whose waiting threads spin for up to
     * {@code spinNanos} before parking, adapting the spin to how busy the cores are if {@code adaptive}.
     *
     * @throws IllegalArgumentException if {@code spinNanos < 0}
     */
    public WorkerTeam(long spinNanos, boolean adaptive) {
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spinNanos must be at least 0, got " + spinNanos);
        }
        this.maxSpinNanos = spinNanos;
        this.spinLimit = spinNanos;
        this.adaptive = adaptive;
    }

    /** The process's team. */
    public static WorkerTeam shared() {
        return SHARED;
    }

    /**
     * The caller and up to {@code helpers} workers: free ones if there are, otherwise new ones;
     * fewer only while workers whose task was taken back ({@link Crew#run}) have not yet seen it
     * go, since such a worker is not getting a core and another thread would not either.
     *
     * @throws IllegalArgumentException if {@code helpers < 0}
     */
    public Crew claim(int helpers) {
        if (helpers < 0) {
            throw new IllegalArgumentException("helpers must be at least 0, got " + helpers);
        }
        List<Worker> claimed = claimFree(helpers, false);
        int wanted = helpers - Math.max(0, Math.min(helpers - claimed.size(), orphans.get()));
        while (claimed.size() < wanted) {
            Worker w = new Worker(this);
            w.claimed.set(true);
            workers.add(w);
            w.start();
            claimed.add(w);
        }
        return new Crew(this, claimed);
    }

    /**
     * The caller and up to {@code helpers} workers that are spinning right now, so that handing
     * them a task costs no wake-up; none if no worker is (then the crew is the caller alone).
     */
    public Crew claimSpinning(int helpers) {
        return new Crew(this, claimFree(helpers, true));
    }

    /** {@code task.applyAsDouble(k)} for {@code k < tasks}, on up to {@code tasks - 1} claimed workers and the caller. */
    public double[] run(int tasks, IntToDoubleFunction task) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
        }
        try (Crew crew = claim(tasks - 1)) {
            return crew.run(tasks, task);
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

    /** The current spin limit in ns (for tests). */
    long spinLimit() {
        return spinLimit;
    }

    /** Waits until {@code ready}: spinning while {@link #spin} says so, then parked until unparked. */
    private void await(BooleanSupplier ready) {
        if (!spin(ready)) {
            while (!ready.getAsBoolean()) {
                LockSupport.park(this);
            }
        }
    }

    /**
     * Spins until {@code ready} (true) or until giving up (false): after the current spin limit, or
     * at once when this thread was descheduled while spinning (two looks at the clock more than
     * {@value #PREEMPTED_NANOS} ns apart), which means that other threads want the cores. Being
     * descheduled halves the limit (down to {@value #MIN_SPIN_NANOS} ns), success adds
     * {@value #SPIN_STEP_NANOS} ns (up to the team's spin time; additive increase, multiplicative
     * decrease, so that a busy machine, which deschedules a spinner every few steps, keeps the
     * limit low), and a wait that simply outlasts the limit leaves it: on a machine
     * with free cores spins stay at the team's spin time; on a busy one they shrink towards parking
     * at once, which then costs less than spinning (see the class comment). A team that does not
     * adapt spins for its whole spin time.
     */
    boolean spin(BooleanSupplier ready) {
        long limit = spinLimit;
        long start = System.nanoTime();
        long last = start;
        while (!ready.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - start >= limit) {
                return false;
            }
            if (adaptive && now - last > PREEMPTED_NANOS) {
                shrink();
                return false;
            }
            last = now;
            Thread.onSpinWait();
        }
        if (adaptive && limit < maxSpinNanos) {
            spinLimit = Math.min(maxSpinNanos, limit + SPIN_STEP_NANOS);
        }
        return true;
    }

    /** Halves the spin limit, down to {@value #MIN_SPIN_NANOS} ns: another thread wanted a core. */
    private void shrink() {
        spinLimit = Math.max(Math.min(MIN_SPIN_NANOS, maxSpinNanos), spinLimit / 2);
    }

    /**
     * {@code task.applyAsDouble(k)} on this thread; in an adaptive team, a task whose wall-clock
     * time exceeds its thread's CPU time by more than {@value #PREEMPTED_NANOS} ns was descheduled,
     * and shrinks the spin: on a busy machine the spinner keeps its core while the thread doing the
     * work loses it, so the spinner alone would not notice.
     */
    private double runTimed(IntToDoubleFunction task, int k) {
        if (!adaptive || !THREADS.isCurrentThreadCpuTimeSupported()) {
            return task.applyAsDouble(k);
        }
        long wall = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        try {
            return task.applyAsDouble(k);
        } finally {
            if (System.nanoTime() - wall - (THREADS.getCurrentThreadCpuTime() - cpu) > PREEMPTED_NANOS) {
                shrink();
            }
        }
    }

    /**
     * The caller and the workers claimed for it, for one {@link #run}, until {@link #close()}. Not
     * thread-safe: one caller uses it.
     */
    public static final class Crew implements AutoCloseable {
        private final WorkerTeam team;
        private final List<Worker> helpers;
        /** Per helper, whether the caller took its task back (the worker then releases itself). */
        private final boolean[] stolen;
        private boolean ran;
        private boolean closed;

        private Crew(WorkerTeam team, List<Worker> helpers) {
            this.team = team;
            this.helpers = helpers;
            this.stolen = new boolean[helpers.size()];
        }

        /** The threads of this crew: the caller and its workers. */
        public int size() {
            return helpers.size() + 1;
        }

        /**
         * {@code task.applyAsDouble(k)} for {@code k < tasks}: task 0 on the calling thread, task
         * {@code k} on worker {@code k - 1}, tasks beyond the crew's workers on the caller after
         * task 0; returns when all are done, with their results in task order. A failure is
         * rethrown (that of the lowest task) once every task has finished.
         *
         * <p>A task that its worker has not started by the time the caller has finished task 0 is
         * taken back and run by the caller: a worker that the OS has not scheduled (another process
         * holds the core, or waking it from a park is slow) then costs the step its own share of
         * work, not the wait for a core. Which thread runs a task does not change its result.
         *
         * @throws IllegalArgumentException if {@code tasks < 1}
         * @throws IllegalStateException if the crew has run or is closed
         */
        public double[] run(int tasks, IntToDoubleFunction task) {
            if (ran || closed) {
                throw new IllegalStateException(closed ? "The crew is closed" : "A crew runs once");
            }
            if (tasks < 1) {
                throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
            }
            ran = true;
            Thread caller = Thread.currentThread();
            int assigned = Math.min(helpers.size(), tasks - 1);
            for (int k = 0; k < assigned; k++) {
                helpers.get(k).assign(k + 1, task, caller);
            }
            double[] results = new double[tasks];
            Throwable[] failures = new Throwable[tasks];
            runHere(task, 0, results, failures);
            for (int k = assigned + 1; k < tasks; k++) {
                runHere(task, k, results, failures);
            }
            for (int k = 0; k < assigned; k++) {
                Worker w = helpers.get(k);
                team.orphans.incrementAndGet(); // before the worker can see its task go and count down
                if (w.steal()) {
                    stolen[k] = true;
                    runHere(task, k + 1, results, failures);
                } else {
                    team.orphans.decrementAndGet();
                    team.await(w::done);
                    results[k + 1] = w.result;
                    failures[k + 1] = w.failure;
                }
            }
            Throwable failure = Arrays.stream(failures).filter(Objects::nonNull).findFirst().orElse(null);
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            } else if (failure != null) {
                throw new IllegalStateException("A parallel task failed", failure);
            }
            return results;
        }

        private void runHere(IntToDoubleFunction task, int k, double[] results, Throwable[] failures) {
            try {
                results[k] = team.runTimed(task, k);
            } catch (RuntimeException | Error e) {
                failures[k] = e;
            }
        }

        /**
         * Releases the workers to the team; one whose task was taken back releases itself once it
         * has seen the task go, so that it is never assigned another before.
         */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                for (int k = 0; k < helpers.size(); k++) {
                    if (!stolen[k]) {
                        helpers.get(k).claimed.set(false);
                    }
                }
            }
        }
    }

    /**
     * One worker: the caller writes the task's fields, then {@code pending} and {@code assigned}
     * (volatile writes that publish them); whoever clears {@code pending} first, the worker or the
     * caller taking the task back, runs the task. The worker then writes the result, then
     * {@code finished}, and unparks the caller; or, when the task was taken back, writes
     * {@code finished} and releases its claim.
     */
    private static final class Worker extends Thread {
        private final WorkerTeam team;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final AtomicBoolean pending = new AtomicBoolean();
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
            pending.set(true);
            assigned = assigned + 1;
            LockSupport.unpark(this);
        }

        /** Takes the assigned task away if the worker has not started it: true if the caller must run it. */
        boolean steal() {
            return pending.compareAndSet(true, false);
        }

        boolean done() {
            return finished == assigned;
        }

        @Override
        public void run() {
            while (true) {
                waitForTask();
                long seen = assigned;
                boolean mine = pending.compareAndSet(true, false);
                if (mine) {
                    try {
                        result = team.runTimed(task, index);
                    } catch (Throwable e) {
                        failure = e;
                    }
                }
                Thread waiting = caller;
                task = null;
                caller = null;
                spinning = true; // claimable without a wake-up as soon as the task is seen done
                finished = seen;
                if (mine) {
                    LockSupport.unpark(waiting);
                } else {
                    claimed.set(false); // the caller ran it and closed its crew without this worker
                    team.orphans.decrementAndGet();
                }
            }
        }

        /** Spins (advertising it in {@link #spinning}) while the team's {@link #spin} lasts, then parks, until assigned. */
        private void waitForTask() {
            spinning = true;
            if (!team.spin(() -> assigned != finished)) {
                spinning = false;
                while (assigned == finished) {
                    LockSupport.park(team);
                }
            }
            spinning = false;
        }
    }
}
