package org.optopt.theory;

import java.util.List;
import java.util.Optional;

/**
 * Diagonal box budget {@code Q = diag(q), q_i <= c}; recovers SGD with lr = c.
 *
 * <p><b>Theorem.</b> max { sum_i q_i s_i : 0 &lt;= q_i &lt;= c } = c sum_i s_i, attained at q* = c 1.
 * <br><b>Proof sketch.</b> The objective is separable and each s_i &gt;= 0, so each q_i takes its
 * upper bound (uniquely where s_i &gt; 0).
 *
 * @param radius c &gt; 0
 */
public record DiagonalBox(double radius) implements Budget {
    /** Checks the radius. */
    public DiagonalBox {
        Budget.requirePositive("radius", radius);
    }

    @Override
    public String name() {
        return "diagonal-box";
    }

    @Override
    public boolean diagonal() {
        return true;
    }

    /** The same optimum as the {@link Spectral} budget of this radius (c I is diagonal). */
    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        return new Spectral(radius).closedForm(sigma).map(d -> d.withBudget(this));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        return List.of(Constraint.atMost(radius, sigma.dimension()));
    }
}
