package org.optopt.api.concurrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {
    /** Long enough that a worker that has just finished is certainly still spinning when the test looks. */
    private static final long LONG_SPIN = 300_000_000L;

    @Test
    void tasksRunOnTheCallerAndDistinctWorkersWithResultsInTaskOrder() {
        WorkerTeam team = new WorkerTeam(0, false);
        Thread[] ran = new Thread[4];
        double[] r = team.run(4, k -> {
            ran[k] = Thread.currentThread();
            if (k == 0) {
                sleep(100); // long enough for every worker to start its task (else the caller takes it back)
            }
            return 10 * k + 1;
        });
        assertArrayEquals(new double[] {1, 11, 21, 31}, r);
        assertSame(Thread.currentThread(), ran[0]);
        Set<Thread> distinct = new HashSet<>(java.util.Arrays.asList(ran));
        assertEquals(4, distinct.size());
        // the same workers serve the next run: no thread per run
        Thread[] again = new Thread[4];
        team.run(4, k -> {
            again[k] = Thread.currentThread();
            if (k == 0) {
                sleep(100);
            }
            return 0;
        });
        assertEquals(distinct, new HashSet<>(java.util.Arrays.asList(again)));
        assertArrayEquals(new double[] {7}, team.run(1, k -> 7));
        assertThrows(IllegalArgumentException.class, () -> team.run(0, k -> 0));
    }

    @Test
    void theLowestFailureIsRethrownAfterEveryTaskFinished() {
        WorkerTeam team = new WorkerTeam(0, false);
        boolean[] finished = new boolean[3];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run(3, k -> {
            if (k == 2) {
                sleep(50);
                finished[k] = true;
                throw new IllegalArgumentException("task 2");
            }
            finished[k] = true;
            if (k == 1) {
                throw new IllegalStateException("task 1");
            }
            return 0;
        }));
        assertEquals("task 1", e.getMessage());
        assertTrue(finished[0] && finished[1] && finished[2]);
        assertArrayEquals(new double[] {0, 1}, team.run(2, k -> k), "the workers serve again after a failure");
    }

    @Test
    void aClaimedWorkerIsNotGivenToAnotherCaller() {
        WorkerTeam team = new WorkerTeam(0, false);
        try (WorkerTeam.Crew first = team.claim(1); WorkerTeam.Crew second = team.claim(1)) {
            Thread[] a = new Thread[2];
            Thread[] b = new Thread[2];
            first.run(2, k -> recordSlowly(a, k));
            second.run(2, k -> recordSlowly(b, k));
            assertNotEquals(a[1], b[1]);
            assertEquals(2, first.size());
        }
        WorkerTeam.Crew closed = team.claim(1);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.run(1, k -> 0));
        try (WorkerTeam.Crew once = team.claim(1)) {
            once.run(2, k -> k);
            assertThrows(IllegalStateException.class, () -> once.run(2, k -> k), "a crew runs once");
            assertThrows(IllegalArgumentException.class, () -> team.claim(0).run(0, k -> k));
        }
        assertThrows(IllegalArgumentException.class, () -> team.claim(-1));
    }

    @Test
    void onlySpinningWorkersAreClaimedWithoutAWakeUp() {
        WorkerTeam parking = new WorkerTeam(0, false);
        try (WorkerTeam.Crew none = parking.claimSpinning(1)) {
            assertEquals(1, none.size(), "a team without workers has none spinning");
        }
        parking.run(2, k -> 0);
        sleep(20); // the worker parks at once (no spin)
        try (WorkerTeam.Crew none = parking.claimSpinning(1)) {
            assertEquals(1, none.size(), "a parked worker is not claimed");
        }

        WorkerTeam spinning = new WorkerTeam(LONG_SPIN, false);
        Thread[] first = new Thread[2];
        spinning.run(2, k -> recordSlowly(first, k));
        try (WorkerTeam.Crew crew = spinning.claimSpinning(3)) {
            assertEquals(2, crew.size(), "the one worker, spinning since it finished");
            Thread[] ran = new Thread[2];
            crew.run(2, k -> recordSlowly(ran, k));
            assertSame(first[1], ran[1]);
            try (WorkerTeam.Crew other = spinning.claimSpinning(1)) {
                assertEquals(1, other.size(), "a claimed worker is not claimed twice");
            }
        }
    }

    /**
     * A spinning thread that finds the clock jumped (here: the ready check sleeps 1 ms once, as a
     * descheduled thread would) gives up and halves the spin; successful spins add 10 us each until
     * it is back; a task whose wall-clock time exceeds its CPU time halves it as well.
     */
    @Test
    void aDescheduledSpinHalvesTheLimitAndSuccessfulSpinsRestoreIt() {
        WorkerTeam adaptive = new WorkerTeam(10_000_000, true);
        boolean[] slept = new boolean[1];
        assertFalse(adaptive.spin(() -> {
            if (!slept[0]) {
                slept[0] = true;
                sleep(1);
            }
            return false;
        }));
        assertTrue(adaptive.spinLimit() <= 5_000_000, "halved: " + adaptive.spinLimit());
        long halved = adaptive.spinLimit();
        assertTrue(adaptive.spin(() -> true));
        assertEquals(halved + 10_000, adaptive.spinLimit());
        for (int i = 0; i < 1000 && adaptive.spinLimit() < 10_000_000; i++) {
            assertTrue(adaptive.spin(() -> true));
        }
        assertEquals(10_000_000, adaptive.spinLimit(), "back to the team's spin time");
        // a task that was off its core (here: asleep) for longer than it ran shrinks the spin too
        adaptive.run(1, k -> {
            sleep(2);
            return 0;
        });
        assertTrue(adaptive.spinLimit() <= 5_000_000, "halved after a descheduled task: " + adaptive.spinLimit());

        WorkerTeam fixed = new WorkerTeam(10_000_000, false);
        slept[0] = false;
        fixed.spin(() -> {
            if (!slept[0]) {
                slept[0] = true;
                sleep(1);
            }
            return slept[0];
        });
        assertEquals(10_000_000, fixed.spinLimit(), "a fixed spin does not adapt");
        WorkerTeam floor = new WorkerTeam(1_000_000, true);
        for (int i = 0; i < 6; i++) { // 1 ms, 500, 250, 125, then never below 100 us
            floor.run(1, k -> {
                sleep(1);
                return 0;
            });
        }
        assertEquals(100_000, floor.spinLimit());
        WorkerTeam never = new WorkerTeam(0, true);
        assertFalse(never.spin(() -> false), "a spin time of 0 parks at once");
        assertEquals(0, never.spinLimit());
        assertThrows(IllegalArgumentException.class, () -> new WorkerTeam(-1, true));
    }

    /**
     * A worker that has not started its task when the caller has finished its own (here: a parked
     * worker, slow to wake, and an instant task 0) has it taken back: the caller runs it, the
     * results are the same, and the team does not start a thread per run meanwhile.
     */
    @Test
    void theCallerTakesBackATaskItsWorkerHasNotStarted() {
        WorkerTeam team = new WorkerTeam(0, false);
        Set<Thread> helpers = new HashSet<>();
        int takenBack = 0;
        for (int i = 0; i < 200; i++) {
            Thread[] ran = new Thread[3];
            assertArrayEquals(new double[] {0, 1, 2}, team.run(3, k -> record(ran, k)));
            for (int k = 1; k < 3; k++) {
                if (ran[k] == Thread.currentThread()) {
                    takenBack++;
                } else {
                    helpers.add(ran[k]);
                }
            }
        }
        assertTrue(takenBack > 0, "a parked worker takes microseconds to wake; task 0 takes none");
        assertTrue(helpers.size() <= 4, "workers are reused, not started per run: " + helpers.size());
    }

    private static double record(Thread[] threads, int k) {
        threads[k] = Thread.currentThread();
        return k;
    }

    /** {@link #record}, task 0 after 50 ms: the workers have started theirs by then. */
    private static double recordSlowly(Thread[] threads, int k) {
        if (k == 0) {
            sleep(50);
        }
        return record(threads, k);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
