package org.optopt.theory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spectral (operator-norm) budget {@code Q ⪯ c I}; recovers SGD with lr = c.
 *
 * <p><b>Theorem.</b> max { &lt;Q, Sigma&gt; : 0 ⪯ Q ⪯ c I } = c tr Sigma, attained at Q* = c I.
 * <br><b>Proof sketch.</b> Trace duality: &lt;Q, Sigma&gt; &lt;= ||Q||_2 ||Sigma||_* = ||Q||_2 tr Sigma
 * &lt;= c tr Sigma for PSD Sigma, with equality at Q = c I (unique when Sigma ≻ 0).
 *
 * @param radius c &gt; 0
 */
public record Spectral(double radius) implements Budget {
    /** Checks the radius. */
    public Spectral {
        Budget.requirePositive("radius", radius);
    }

    @Override
    public String name() {
        return "spectral";
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        int d = sigma.dimension();
        double trace = 0;
        for (double s : sigma.diagonal()) {
            trace += s;
        }
        return Optional.of(Design.closedForm(this, Linalg.scale(radius, Linalg.identity(d)), radius * trace, "sgd",
                Map.of("lr", radius)));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        return List.of(Constraint.atMost(radius, sigma.dimension()));
    }
}
