package org.optopt.tasks.suite;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mini-batches of row indices without replacement: each epoch is a fresh seeded random permutation
 * of {@code 0..n-1} cut into consecutive batches. With {@code dropLast} a final partial batch is
 * skipped (DeepOBS); without it, it is returned (PyTorch's {@code DataLoader} default).
 */
public final class MiniBatchSampler {
    private final int n;
    private final int batchSize;
    private final boolean dropLast;
    private final SplittableRandom random;
    private final int[] order;
    private int position;

    /**
     * @throws IllegalArgumentException if the batch size is not positive or (with dropLast) exceeds n
     */
    public MiniBatchSampler(int n, int batchSize, boolean dropLast, long seed) {
        if (n <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("MiniBatchSampler: " + n + " examples and batch size " + batchSize
                    + " must be positive");
        }
        if (dropLast && batchSize > n) {
            throw new IllegalArgumentException("Batch size " + batchSize + " exceeds the " + n + " training examples");
        }
        this.n = n;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.random = new SplittableRandom(seed);
        this.order = new int[n];
        this.position = n;
    }

    /** The nominal batch size (a final partial batch may be smaller). */
    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch. */
    public long batchesPerEpoch() {
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The row indices of the next batch (a new array). */
    public int[] next() {
        int remaining = n - position;
        if (remaining == 0 || (dropLast && remaining < batchSize)) {
            shuffle();
        }
        int size = Math.min(batchSize, n - position);
        int[] batch = Arrays.copyOfRange(order, position, position + size);
        position += size;
        return batch;
    }

    private void shuffle() {
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        position = 0;
    }
}
