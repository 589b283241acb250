package org.optopt.tasks.suite;

import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.Linalg;
import org.optopt.tasks.autodiff.Losses;
import org.optopt.tasks.autodiff.Shapes;
import org.optopt.tasks.autodiff.Sums;
import org.optopt.tasks.autodiff.Var;

/** The loss heads of {@link DatasetProblem}s. */
final class Heads {
    private Heads() {}

    /** Softmax cross-entropy of logits against integer labels; counts argmax hits. */
    static DatasetProblem.Head classification(Backend backend, int[] trainLabels, int[] testLabels) {
        return new DatasetProblem.Head() {
            @Override
            public Var loss(Var logits, int[] rows, boolean evaluation) {
                return Losses.crossEntropy(logits, pick(evaluation ? testLabels : trainLabels, rows));
            }

            @Override
            public long correct(Tensor logits, int[] rows, boolean evaluation) {
                int[] labels = evaluation ? testLabels : trainLabels;
                int[] predicted = backend.argmax(logits);
                long hits = 0;
                for (int i = 0; i < rows.length; i++) {
                    if (predicted[i] == labels[rows[i]]) {
                        hits++;
                    }
                }
                return hits;
            }
        };
    }

    /** Mean squared error {@code mean((y - t)^2)} over all entries, against target matrices. */
    static DatasetProblem.Head meanSquaredError(Tensor trainTargets, Tensor testTargets) {
        return (y, rows, evaluation) -> {
            Var t = Shapes.gatherRows(y.tape().constant(evaluation ? testTargets : trainTargets), rows);
            return Sums.mean(Elementwise.square(Elementwise.sub(y, t)));
        };
    }

    /**
     * The quadratic form {@code 0.5 * mean_i d_i^T Q d_i} of the rows {@code d_i} of the output (for
     * DeepOBS's quadratic problems the output is {@code theta - x_i}); {@code q} is symmetric.
     */
    static DatasetProblem.Head quadraticForm(Tensor q) {
        return (d, rows, evaluation) -> {
            Var qd = Linalg.matmul(d, d.tape().constant(q));
            return Elementwise.scale(Sums.sum(Elementwise.mul(d, qd)), 0.5 / rows.length);
        };
    }

    private static int[] pick(int[] labels, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = labels[rows[i]];
        }
        return out;
    }
}
