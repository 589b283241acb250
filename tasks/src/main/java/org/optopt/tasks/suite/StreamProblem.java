package org.optopt.tasks.suite;

import java.util.List;
import java.util.SplittableRandom;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;
import org.optopt.tasks.nn.ParameterStore;

/**
 * A problem with an unlimited stream of fresh noise samples and a closed-form expected loss,
 * which is what {@link #evaluate()} reports. An "epoch" is a nominal number of examples.
 */
abstract class StreamProblem extends StoredProblem {
    private final SplittableRandom random;
    private final int batchSize;
    private final int nominalEpoch;
    private final Tape tape;
    private boolean hasBatch;

    StreamProblem(ParameterStore params, int batchSize, int nominalEpoch, long seed) {
        super(params);
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.nominalEpoch = nominalEpoch;
        this.random = new SplittableRandom(seed);
        this.tape = new Tape(params.backend());
    }

    /** Draws the noise of the next batch of {@link #batchSize()} samples. */
    protected abstract void drawBatch(SplittableRandom random);

    /** The mean loss of the current batch, recorded on {@code tape}. */
    protected abstract Var batchLoss(Tape tape);

    /** The expected loss over the noise at the current parameters, in closed form. */
    protected abstract double expectedLoss();

    /** Releases tensors beyond the parameters. */
    protected abstract void closeData();

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public long stepsPerEpoch() {
        return Math.max(1, nominalEpoch / batchSize);
    }

    @Override
    public void nextBatch() {
        drawBatch(random);
        hasBatch = true;
    }

    @Override
    public double lossAndGradient() {
        if (!hasBatch) {
            throw new IllegalStateException("lossAndGradient before the first nextBatch()");
        }
        tape.reset();
        params.zeroGrads();
        Var loss = batchLoss(tape);
        tape.backward(loss);
        return loss.value().item();
    }

    @Override
    public Evaluation evaluate() {
        return Evaluation.lossOnly(expectedLoss());
    }

    @Override
    public void close() {
        tape.close();
        closeData();
        params.close();
    }
}
