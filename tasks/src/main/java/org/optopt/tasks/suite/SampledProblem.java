package org.optopt.tasks.suite;

import org.optopt.tasks.nn.ParameterStore;

/**
 * A problem over a finite set of examples whose mini-batches are index sets drawn by a
 * {@link MiniBatchSampler}: batch size and epoch length are the sampler's, and {@link #batch()}
 * is the current batch.
 */
abstract class SampledProblem extends StoredProblem {
    private final MiniBatchSampler sampler;
    private int[] batch;

    /** Takes ownership of {@code params}; batches come from {@code sampler}. */
    SampledProblem(ParameterStore params, MiniBatchSampler sampler) {
        super(params);
        this.sampler = sampler;
    }

    @Override
    public final int batchSize() {
        return sampler.batchSize();
    }

    @Override
    public final long stepsPerEpoch() {
        return sampler.batchesPerEpoch();
    }

    @Override
    public final void nextBatch() {
        batch = sampler.next();
    }

    /**
     * The example indices of the current batch.
     *
     * @throws IllegalStateException before the first {@link #nextBatch()}
     */
    protected final int[] batch() {
        if (batch == null) {
            throw new IllegalStateException("lossAndGradient before the first nextBatch()");
        }
        return batch;
    }
}
