package org.optopt.backend.nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.optopt.api.kernel.ReduceOp;

/**
 * Runs an {@link ElementLoop} over a large index range on several threads. The range is cut into
 * one contiguous chunk per thread, on multiples of {@value #CHUNK_ALIGNMENT} elements (so no two
 * threads write the same cache line); the calling thread runs the first chunk while pooled daemon
 * threads run the others, and each chunk accumulates its own reductions, combined in chunk order
 * once every chunk has finished. Stored values are therefore the same as on one thread; sums add
 * in another (fixed) order. A range shorter than {@code 2 * minElementsPerThread} runs on the
 * calling thread alone, as do all ranges when {@code threads == 1}.
 *
 * <p>Why: on the 2-vCPU machines measured, one core streams 23-25 GB/s and two cores 43-45 GB/s
 * ({@code a[i] += s*b[i]} over 240 MB), so a second thread speeds up every optimizer step over
 * large tensors; and kernels with transcendental functions (Roaree's tanh) are compute-bound on
 * one core. Handing a chunk to a parked pool thread costs some microseconds, which is why short
 * ranges stay on the caller.
 */
final class ParallelLoop {
    /**
     * The default fewest elements worth one more thread, about 0.8 ms of an Adam step on one core:
     * with 2^17 (0.1 ms) two threads were slower than one (SGD over 2^18 parameters: 0.33 against
     * 0.17 ms per step), because waking a parked pool thread takes tens of microseconds on a VM.
     */
    static final int MIN_ELEMENTS_PER_THREAD = 1 << 20;

    /** Chunk boundaries fall on multiples of this many elements (whole cache lines). */
    static final int CHUNK_ALIGNMENT = 1024;

    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "optopt-nd4j-kernel");
        t.setDaemon(true);
        return t;
    });

    private final int threads;
    private final int minElementsPerThread;

    /** Splits ranges of at least {@code 2 * MIN_ELEMENTS_PER_THREAD} elements over up to {@code threads} threads. */
    ParallelLoop(int threads) {
        this(threads, MIN_ELEMENTS_PER_THREAD);
    }

    ParallelLoop(int threads, int minElementsPerThread) {
        if (threads < 1 || minElementsPerThread < 1) {
            throw new IllegalArgumentException("threads and minElementsPerThread must be at least 1, got "
                    + threads + " and " + minElementsPerThread);
        }
        this.threads = threads;
        this.minElementsPerThread = minElementsPerThread;
    }

    /** The most threads one pass uses. */
    int threads() {
        return threads;
    }

    /** How many chunks a pass over {@code n} elements is cut into. */
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
        if (chunks == 1) {
            loop.run(buffers, uniforms, reductions, 0, n);
            return;
        }
        long perChunk = ((long) n + chunks - 1) / chunks;
        int chunk = (int) Math.min(n, (perChunk + CHUNK_ALIGNMENT - 1) / CHUNK_ALIGNMENT * CHUNK_ALIGNMENT);
        List<double[]> partials = new ArrayList<>(chunks - 1);
        List<CompletableFuture<Void>> others = new ArrayList<>(chunks - 1);
        for (int from = chunk; from < n; from += chunk) {
            int start = from;
            int end = (int) Math.min(n, (long) from + chunk);
            double[] partial = reductions.clone();
            partials.add(partial);
            others.add(CompletableFuture.runAsync(() -> loop.run(buffers, uniforms, partial, start, end), WORKERS));
        }
        Throwable failure = null;
        try {
            loop.run(buffers, uniforms, reductions, 0, chunk);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (CompletableFuture<Void> f : others) {
            try {
                f.join(); // uninterruptible: no thread may still write the buffers after we return
            } catch (CompletionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException("A kernel chunk failed", failure);
        }
        for (double[] partial : partials) {
            for (int r = 0; r < reductions.length; r++) {
                reductions[r] = ops[r].combine(reductions[r], partial[r]);
            }
        }
    }
}
