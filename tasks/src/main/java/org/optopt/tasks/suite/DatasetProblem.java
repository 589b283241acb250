package org.optopt.tasks.suite;

import java.util.Arrays;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Shapes;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;
import org.optopt.tasks.nn.Flops;
import org.optopt.tasks.nn.Network;
import org.optopt.tasks.nn.ParameterStore;

/**
 * A problem over a finite data set held as two feature matrices on the backend: mini-batches are
 * gathered rows ({@link Shapes#gatherRows}), a model maps them to outputs and a {@link Head} turns
 * outputs into the mean loss (and counts correct predictions). Evaluation runs over the whole
 * evaluation split in chunks of the batch size (so its memory stays that of a training step) on a
 * separate tape.
 */
final class DatasetProblem extends SampledProblem {
    /** Turns model outputs into a mean loss over the given rows of a split. */
    interface Head {
        /** The mean loss of {@code output} for rows {@code rows} of the training or evaluation split. */
        Var loss(Var output, int[] rows, boolean evaluation);

        /** Number of rows predicted correctly, or -1 if the task is not a classification. */
        default long correct(Tensor output, int[] rows, boolean evaluation) {
            return -1;
        }
    }

    private final Network model;
    private final Head head;
    private final Tensor train;
    private final Tensor test;
    private final AutoCloseable[] extra;
    private final Tape evaluationTape;
    private DataParallel parallel;

    /**
     * Takes ownership of the parameters, both feature matrices and {@code extra} resources.
     *
     * @param model maps a batch of features to outputs (binding its parameters to the batch's tape)
     */
    DatasetProblem(ParameterStore params, Network model, Head head, Tensor train, Tensor test,
            MiniBatchSampler sampler, AutoCloseable... extra) {
        super(params, sampler);
        this.model = model;
        this.head = head;
        this.train = train;
        this.test = test;
        this.extra = extra;
        this.parallel = new DataParallel(params, 1);
        this.evaluationTape = new Tape(params.backend());
    }

    @Override
    public Flops flops() {
        return model.flops();
    }

    @Override
    public int setThreads(int threads) {
        parallel = parallel.onThreads(threads);
        return threads;
    }

    @Override
    public double lossAndGradient() {
        int[] batch = batch();
        return parallel.lossAndGradient(batch.length, (tape, from, to) -> {
            int[] rows = from == 0 && to == batch.length ? batch : Arrays.copyOfRange(batch, from, to);
            return head.loss(model.forward(Shapes.gatherRows(tape.constant(train), rows)), rows, false);
        });
    }

    @Override
    public Evaluation evaluate() {
        int n = test.shape().dim(0);
        double lossSum = 0;
        long correct = 0;
        int chunk = batchSize();
        for (int start = 0; start < n; start += chunk) {
            int[] rows = new int[Math.min(chunk, n - start)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = start + i;
            }
            evaluationTape.reset();
            Var out = model.forward(Shapes.gatherRows(evaluationTape.constant(test), rows));
            lossSum += head.loss(out, rows, true).value().item() * (double) rows.length;
            long c = head.correct(out.value(), rows, true);
            correct = c < 0 || correct < 0 ? -1 : correct + c;
        }
        evaluationTape.reset();
        return new Evaluation(lossSum / n, correct < 0 ? Double.NaN : (double) correct / n);
    }

    @Override
    public void close() {
        parallel.close();
        evaluationTape.close();
        params.close();
        train.close();
        test.close();
        for (AutoCloseable c : extra) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + c + " failed", e);
            }
        }
    }
}
