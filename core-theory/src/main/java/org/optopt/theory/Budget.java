package org.optopt.theory;

import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * A budget set of the greedy design problem (SEEDS.md A.1-A.2):
 * <pre>
 * Q* = argmax { &lt;Q, Sigma&gt; = E[g^T Q g] : Q ⪰ 0, Q in the budget set },   Sigma = E[g g^T]
 * </pre>
 * Without a budget the problem is unbounded; the budget decides both the form of the optimal
 * update {@code Q* g} and its hyperparameters. Each implementation states its theorem (budget,
 * optimum, proof sketch) in its class documentation.
 *
 * <p>How to add a budget: write a record implementing this interface (add it to {@code permits}),
 * give its {@link #constraints} (so the {@link NumericSolver} can solve it and check the closed
 * form), its {@link #closedForm} if it has one, and a name in {@link Budgets}; add a row to the
 * closed-form-versus-numeric test table and to {@code docs/theory.md}.
 */
public sealed interface Budget permits Spectral, Frobenius, Trace, DiagonalL2, DiagonalBox, UpdateRms,
        UpdateSecondMoment, Metric, KroneckerMetric, Kronecker, WeightedFrobenius, Intersection {

    /** The budget's name as {@code optopt design --budget} spells it, e.g. {@code update-rms}. */
    String name();

    /** The radius c of the budget (the largest, for an intersection of budgets with different radii). */
    double radius();

    /** Whether Q is restricted to diagonal matrices (per-coordinate learning rates). */
    default boolean diagonal() {
        return false;
    }

    /**
     * The closed-form optimum for {@code sigma}, or empty if this budget has none.
     *
     * @throws IllegalArgumentException if {@code sigma}'s dimension does not fit the budget
     */
    Optional<Design> closedForm(SecondMoment sigma);

    /**
     * The budget's constraints besides Q ⪰ 0 (and diagonality), for the numeric solver; together
     * they must bound the feasible set.
     *
     * @throws IllegalArgumentException if {@code sigma}'s dimension does not fit the budget, or the
     *     set is unbounded for this sigma (a budget that weights by an inverse of a singular sigma)
     */
    List<Constraint> constraints(SecondMoment sigma);

    /**
     * The matrix whose inner product with Q is maximized: {@code sigma} itself, except for a
     * surrogate budget ({@link Kronecker}) that maximizes over a bound of sigma.
     */
    default DMatrixRMaj objective(SecondMoment sigma) {
        return sigma.matrix();
    }

    /** Throws unless {@code c} is positive and finite. */
    static void requirePositive(String what, double c) {
        if (!(c > 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + c);
        }
    }
}
