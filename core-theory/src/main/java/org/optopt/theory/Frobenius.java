package org.optopt.theory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Frobenius budget {@code ||Q||_F <= c}; recovers the "gradient-covariance amplifier" Q ∝ Sigma
 * (not a common optimizer).
 *
 * <p><b>Theorem.</b> max { &lt;Q, Sigma&gt; : Q ⪰ 0, ||Q||_F &lt;= c } = c ||Sigma||_F, attained at
 * Q* = c Sigma / ||Sigma||_F.
 * <br><b>Proof sketch.</b> Cauchy-Schwarz in the Frobenius inner product, with equality iff Q is a
 * nonnegative multiple of Sigma; that Q is PSD, so the PSD constraint is inactive.
 *
 * @param radius c &gt; 0
 */
public record Frobenius(double radius) implements Budget {
    /** Checks the radius. */
    public Frobenius {
        Budget.requirePositive("radius", radius);
    }

    @Override
    public String name() {
        return "frobenius";
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        double norm = Linalg.frobenius(sigma.matrix());
        return Optional.of(Design.closedForm(this, Linalg.scale(radius / norm, sigma.matrix()), radius * norm,
                "gradient-covariance-amplifier", Map.of("scale", radius / norm)));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        int d = sigma.dimension();
        return List.of(Constraint.weightedFrobeniusAtMost(radius, WeightedFrobenius.ones(d)));
    }
}
