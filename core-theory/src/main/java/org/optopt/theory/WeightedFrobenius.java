package org.optopt.theory;

import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * Weighted Frobenius budget {@code sum_ij w_ij Q_ij^2 <= c^2} with symmetric positive weights
 * w_ij: prices each entry of Q separately (e.g. off-diagonal couplings dearer than per-coordinate
 * rates). No closed form: without the PSD constraint the optimum would be Q_ij ∝ Sigma_ij / w_ij,
 * which is in general not PSD, so the PSD constraint binds; the {@link NumericSolver} solves it.
 * With all weights 1 it is the {@link Frobenius} budget.
 *
 * @param radius c &gt; 0
 * @param weights the d x d weights w (copied)
 */
public record WeightedFrobenius(double radius, DMatrixRMaj weights) implements Budget {
    /** Checks the radius and the weights, and copies them. */
    public WeightedFrobenius {
        Budget.requirePositive("radius", radius);
        if (weights.numRows != weights.numCols) {
            throw new IllegalArgumentException("the weights are not square: " + weights.numRows + "x" + weights.numCols);
        }
        for (int i = 0; i < weights.numRows; i++) {
            for (int j = 0; j < weights.numCols; j++) {
                double w = weights.get(i, j);
                if (!(w > 0) || !Double.isFinite(w)) {
                    throw new IllegalArgumentException("the weights must be positive and finite: [" + i + "][" + j + "] = " + w);
                }
                if (w != weights.get(j, i)) {
                    throw new IllegalArgumentException("the weights are not symmetric: [" + i + "][" + j + "] = " + w
                            + " but [" + j + "][" + i + "] = " + weights.get(j, i));
                }
            }
        }
        weights = weights.copy();
    }

    /** All-ones weights of size d (the plain Frobenius norm). */
    static DMatrixRMaj ones(int d) {
        DMatrixRMaj w = new DMatrixRMaj(d, d);
        w.fill(1);
        return w;
    }

    @Override
    public DMatrixRMaj weights() {
        return weights.copy();
    }

    @Override
    public String name() {
        return "weighted-frobenius";
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        return Optional.empty();
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        if (sigma.dimension() != weights.numRows) {
            throw new IllegalArgumentException("dimension mismatch: the weights are " + weights.numRows + "x"
                    + weights.numRows + " but sigma is " + sigma.dimension() + "x" + sigma.dimension());
        }
        return List.of(Constraint.weightedFrobeniusAtMost(radius, weights));
    }
}
