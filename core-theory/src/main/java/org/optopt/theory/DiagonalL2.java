package org.optopt.theory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Diagonal l2 budget {@code Q = diag(q), ||q||_2 <= c}; recovers per-coordinate learning rates
 * proportional to s_i = E[g_i^2] (the opposite of Adam).
 *
 * <p><b>Theorem.</b> max { sum_i q_i s_i : q &gt;= 0, ||q||_2 &lt;= c } = c ||s||_2, attained at
 * q* = c s / ||s||_2.
 * <br><b>Proof sketch.</b> Cauchy-Schwarz in R^d; s &gt;= 0, so the sign constraint is inactive.
 * (An l_p budget on q gives q_i ∝ s_i^(1/(p-1)), never decreasing in s_i: Adam's 1/sqrt(s_i)
 * needs the update-RMS budget, {@link UpdateRms}.)
 *
 * @param radius c &gt; 0
 */
public record DiagonalL2(double radius) implements Budget {
    /** Checks the radius. */
    public DiagonalL2 {
        Budget.requirePositive("radius", radius);
    }

    @Override
    public String name() {
        return "diagonal-l2";
    }

    @Override
    public boolean diagonal() {
        return true;
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        double[] s = sigma.diagonal();
        double norm = Linalg.norm(s);
        double[] q = new double[s.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = radius * s[i] / norm;
        }
        return Optional.of(Design.closedForm(this, Linalg.diag(q), radius * norm, "second-moment-scaled-sgd",
                Map.of("scale", radius / norm)));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        return List.of(Constraint.weightedFrobeniusAtMost(radius, WeightedFrobenius.ones(sigma.dimension())));
    }
}
