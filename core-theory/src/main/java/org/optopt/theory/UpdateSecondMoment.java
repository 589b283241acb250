package org.optopt.theory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * Matrix update-second-moment budget {@code E[u u^T] = Q Sigma Q ⪯ c^2 I} for the update u = Q g;
 * recovers full-matrix AdaGrad/Adam, Q* = c Sigma^(-1/2) (a cumulative sum for Sigma gives AdaGrad).
 *
 * <p><b>Theorem.</b> max { &lt;Q, Sigma&gt; : Q ⪰ 0, Q Sigma Q ⪯ c^2 I } = c tr Sigma^(1/2), attained
 * at Q* = c Sigma^(-1/2).
 * <br><b>Proof sketch.</b> The budget says ||Sigma^(1/2) Q||_2 &lt;= c. Then tr(Q Sigma) =
 * tr((Sigma^(1/2) Q) Sigma^(1/2)) &lt;= ||Sigma^(1/2) Q||_2 tr Sigma^(1/2) &lt;= c tr Sigma^(1/2), with
 * equality when Sigma^(1/2) Q = c I. For singular Sigma the optimum is not unique; this returns
 * c times the pseudo-inverse square root (eigenvalues below 1e-12 of the largest count as 0), and
 * the numeric solver refuses such a sigma as unbounded.
 *
 * @param radius c &gt; 0
 */
public record UpdateSecondMoment(double radius) implements Budget {
    /** Checks the radius. */
    public UpdateSecondMoment {
        Budget.requirePositive("radius", radius);
    }

    @Override
    public String name() {
        return "update-second-moment";
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        DMatrixRMaj q = Linalg.scale(radius, Linalg.power(sigma.matrix(), -0.5));
        double traceRoot = 0;
        for (double x : sigma.eigenvalues()) {
            traceRoot += Math.sqrt(x);
        }
        return Optional.of(Design.closedForm(this, q, radius * traceRoot, "full-matrix-adagrad", Map.of("lr", radius)));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        return List.of(Constraint.updateSecondMomentAtMost(radius, invert(sigma, name())));
    }

    /** M^-1 for the Schur-complement form of an update-second-moment budget over M. */
    static DMatrixRMaj invert(SecondMoment m, String budget) {
        if (m.singular()) {
            throw new IllegalArgumentException("the " + budget + " budget is unbounded for a singular sigma (smallest"
                    + " eigenvalue " + m.eigenvalues()[m.dimension() - 1] + "); the numeric solver needs sigma ≻ 0");
        }
        DMatrixRMaj inverse = m.matrix();
        if (!org.ejml.dense.row.CommonOps_DDRM.invert(inverse)) {
            throw new IllegalArgumentException("the " + budget + " budget: sigma cannot be inverted");
        }
        return Linalg.symmetrized(inverse);
    }
}
