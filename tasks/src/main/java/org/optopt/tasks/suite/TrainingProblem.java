package org.optopt.tasks.suite;

import java.util.List;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.ParameterSet;
import org.optopt.tasks.nn.Flops;

/**
 * An instantiated task: parameters with gradient buffers, a seeded stream of mini-batches, the
 * training loss and an evaluation. A training loop, with an optimizer created over
 * {@link #parameters()}, is
 * <pre>{@code
 * for (long t = 0; t < steps; t++) {
 *     problem.nextBatch();
 *     double loss = problem.lossAndGradient();   // fills every parameter's gradient
 *     optimizer.step();                           // reads gradients, updates values in place
 * }
 * Evaluation e = problem.evaluate();
 * }</pre>
 * {@link #lossAndGradient()} may be called again on the same batch (e.g. after a trial step, for
 * line searches or hypergradient look-ahead). Not thread-safe.
 */
public interface TrainingProblem extends AutoCloseable {

    /** The backend holding parameters and data. */
    Backend backend();

    /** The trainable parameters, in a fixed order, as one group (the set optimizers are created over). */
    ParameterSet parameters();

    /** FLOP per example of a training step's forward and backward passes; none unless the task is a network. */
    default Flops flops() {
        return Flops.none();
    }

    /** Examples per mini-batch. */
    int batchSize();

    /** Mini-batches per pass over the training split (for budgets in epochs). */
    long stepsPerEpoch();

    /** Moves to the next mini-batch of the seeded stream. */
    void nextBatch();

    /**
     * The mean loss over the current mini-batch at the current parameters; overwrites every
     * parameter's gradient with the gradient of that loss.
     *
     * @throws IllegalStateException if {@link #nextBatch()} has not been called
     */
    double lossAndGradient();

    /**
     * Computes every later {@link #lossAndGradient()} on {@code threads} threads, data-parallel: the
     * mini-batch is cut into contiguous shards, one per thread, each shard's forward and backward
     * pass runs on its own thread, and the shards' gradients, weighted by their share of the batch,
     * are added in shard order. Results are deterministic for a fixed thread count and differ from
     * one thread's only in the order of float additions; one thread (the default) is the plain
     * serial computation. This assumes a loss that is the mean of per-example losses. The network
     * tasks (every task over a data set: {@code logreg-*}, {@code mnist-mlp}, {@code fmnist-2c2d},
     * {@code char-rnn-shakespeare}, and {@code teacher-student-mlp}, {@code quadratic-deep}) split
     * their batches; the others, whose batches are tiny or whose gradients are closed forms, stay on
     * one thread and return 1.
     *
     * @return the number of threads later steps will use
     * @throws IllegalArgumentException if {@code threads < 1}, or if a network task is asked for
     *     more than one on a backend that cannot be used from several threads at once
     *     ({@link Backend#concurrentUse()})
     */
    default int setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return 1;
    }

    /**
     * The current batch's loss as a {@link Closure} for {@link org.optopt.api.optim.Optimizer#step(Closure)}:
     * {@link Closure#evaluate()} is {@link #lossAndGradient()}. By default it has no
     * {@link Closure#lineBound line bound}; full-batch problems whose loss has an interval Taylor
     * enclosure ({@link org.optopt.tasks.autodiff.StepEnclosure}) override this.
     */
    default Closure closure() {
        String why = stepsPerEpoch() > 1
                ? "the loss is a mini-batch estimate (batch " + batchSize() + ", " + stepsPerEpoch()
                        + " batches per epoch), a different function at every step"
                : "this task's loss has no interval Taylor enclosure";
        return Closure.of(this::lossAndGradient, why);
    }

    /** Loss (and accuracy, for classification) on the evaluation split at the current parameters. */
    Evaluation evaluate();

    /** Releases parameters, data and intermediate tensors. */
    @Override
    void close();
}
