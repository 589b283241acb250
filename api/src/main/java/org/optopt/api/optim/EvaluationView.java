package org.optopt.api.optim;

/**
 * The parameters switched to the values an optimizer evaluates at (see
 * {@link Optimizer#evaluationView()}), until {@link #close()} switches them back to the values it
 * trains at. Meant for try-with-resources around an evaluation:
 * <pre>
 * try (EvaluationView eval = optimizer.evaluationView()) {
 *     testLoss = model.loss(testSet);
 * }
 * </pre>
 */
public interface EvaluationView extends AutoCloseable {

    /** A view that changes nothing: the evaluation values are the training values. */
    EvaluationView IDENTITY = () -> { };

    /** A view whose first {@link #close()} runs {@code restore}; later closes do nothing. */
    static EvaluationView restoring(Runnable restore) {
        java.util.Objects.requireNonNull(restore, "restore");
        return new EvaluationView() {
            private boolean restored;

            @Override
            public void close() {
                if (!restored) {
                    restored = true;
                    restore.run();
                }
            }
        };
    }

    /** Restores the training values exactly (bit for bit); closing twice has no further effect. */
    @Override
    void close();
}
