package org.optopt.backend.nd4j;

import org.optopt.api.concurrent.WorkerTeam;
import org.optopt.api.kernel.ReduceOp;

/**
 * Runs an {@link ElementLoop} over an index range on several threads of the process's
 * {@link WorkerTeam}. The range is cut into one contiguous chunk per thread, on multiples of
 * {@value #CHUNK_ALIGNMENT} elements (so no two threads write the same cache line); the calling
 * thread runs the first chunk while workers run the others, and each chunk accumulates its own
 * reductions, combined in chunk order once every chunk has finished. Stored values are therefore
 * the same as on one thread; sums add in another (fixed) order.
 *
 * <p>Two rules decide the number of chunks, at most {@code threads}:
 * <ul>
 *   <li>a range of at least {@code 2 * minElementsPerThread} elements ({@link #MIN_ELEMENTS_PER_THREAD}
 *       by default) is always split, one chunk per {@code minElementsPerThread}, starting workers if
 *       needed: the count depends on the range only, so that sums are reproducible;</li>
 *   <li>a shorter range of at least {@code 2 * minSpinningElements} ({@link #MIN_SPINNING_ELEMENTS})
 *       is split only over workers that are spinning right now ({@link WorkerTeam#claimSpinning}),
 *       and only by a loop whose results cannot depend on the split: no sums (its extrema are exact
 *       in any order). This is the optimizer's step after a data-parallel training step, whose
 *       shard worker has just finished and spins: on mnist-mlp an Adam pass over the 0.1 M
 *       weights of its first layer (about 60 us) then runs on both cores, where waking a parked
 *       thread would cost more than the pass. A one-thread training loop never has a spinning
 *       worker, so its steps stay on the caller.</li>
 * </ul>
 *
 * <p>Why: on the 2-vCPU machines measured, one core streams 23-25 GB/s and two cores 43-45 GB/s
 * ({@code a[i] += s*b[i]} over 240 MB), so a second thread speeds up every optimizer step over
 * large tensors; and kernels with transcendental functions (Roaree's tanh) are compute-bound on
 * one core.
 */
final class ParallelLoop {
    /**
     * The default fewest elements worth one more thread, about 0.8 ms of an Adam step on one core:
     * with 2^17 (0.1 ms) two threads were slower than one (SGD over 2^18 parameters: 0.33 against
     * 0.17 ms per step), because waking a parked pool thread takes tens of microseconds on a VM.
     */
    static final int MIN_ELEMENTS_PER_THREAD = 1 << 20;

    /**
     * The fewest elements worth one more thread that is spinning (a hand-over of about a
     * microsecond): 2^14, about 10 us of an Adam step.
     */
    static final int MIN_SPINNING_ELEMENTS = 1 << 14;

    /** Chunk boundaries fall on multiples of this many elements (whole cache lines). */
    static final int CHUNK_ALIGNMENT = 1024;

    private final int threads;
    private final int minElementsPerThread;
    private final int minSpinningElements;
    private final WorkerTeam team;

    /** Splits over up to {@code threads} threads of the process's team, at the default thresholds. */
    ParallelLoop(int threads) {
        this(threads, MIN_ELEMENTS_PER_THREAD, MIN_SPINNING_ELEMENTS, WorkerTeam.shared());
    }

    /** Splits over up to {@code threads} threads of the process's team, always at {@code minElementsPerThread}. */
    ParallelLoop(int threads, int minElementsPerThread) {
        this(threads, minElementsPerThread, MIN_SPINNING_ELEMENTS, WorkerTeam.shared());
    }

    ParallelLoop(int threads, int minElementsPerThread, int minSpinningElements, WorkerTeam team) {
        if (threads < 1 || minElementsPerThread < 1 || minSpinningElements < 1) {
            throw new IllegalArgumentException("threads, minElementsPerThread and minSpinningElements must be at"
                    + " least 1, got " + threads + ", " + minElementsPerThread + " and " + minSpinningElements);
        }
        this.threads = threads;
        this.minElementsPerThread = minElementsPerThread;
        this.minSpinningElements = minSpinningElements;
        this.team = team;
    }

    /** The most threads one pass uses. */
    int threads() {
        return threads;
    }

    /** How many chunks a pass over {@code n} elements is always cut into (the first rule). */
    int chunks(int n) {
        return Math.max(1, Math.min(threads, n / minElementsPerThread));
    }

    /**
     * {@code loop.run(buffers, uniforms, reductions, 0, n)}, split over threads.
     *
     * @param reductions on entry the identities of {@code ops}; on return the combined results
     * @param ops the reduction of each entry of {@code reductions}
     */
    void run(ElementLoop loop, float[][] buffers, float[] uniforms, double[] reductions, ReduceOp[] ops, int n) {
        int chunks = chunks(n);
        if (chunks == 1 && !splitsSpinning(ops, n)) {
            loop.run(buffers, uniforms, reductions, 0, n);
            return;
        }
        try (WorkerTeam.Crew crew = chunks > 1 ? team.claim(chunks - 1)
                : team.claimSpinning(Math.min(threads, n / minSpinningElements) - 1)) {
            int count = chunks > 1 ? chunks : crew.size(); // the first rule's count never depends on the crew
            long perChunk = ((long) n + count - 1) / count;
            int chunk = (int) Math.min(n, (perChunk + CHUNK_ALIGNMENT - 1) / CHUNK_ALIGNMENT * CHUNK_ALIGNMENT);
            double[][] partials = new double[count][];
            partials[0] = reductions;
            for (int k = 1; k < count; k++) {
                partials[k] = reductions.clone();
            }
            crew.run(count, k -> {
                int from = (int) Math.min(n, (long) k * chunk);
                loop.run(buffers, uniforms, partials[k], from, (int) Math.min(n, (long) from + chunk));
                return 0;
            });
            for (int k = 1; k < count; k++) {
                for (int r = 0; r < reductions.length; r++) {
                    reductions[r] = ops[r].combine(reductions[r], partials[k][r]);
                }
            }
        }
    }

    /** Whether a range too short for the first rule may go to spinning workers (the second rule). */
    private boolean splitsSpinning(ReduceOp[] ops, int n) {
        if (threads == 1 || n < 2 * minSpinningElements) {
            return false;
        }
        for (ReduceOp op : ops) {
            if (op.isSum()) {
                return false;
            }
        }
        return true;
    }
}
