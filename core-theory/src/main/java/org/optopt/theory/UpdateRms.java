package org.optopt.theory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-coordinate update-RMS budget over diagonal Q = diag(q): with {@code eps = 0} (name
 * {@code update-rms}) the update's RMS E[(q_i g_i)^2] = q_i^2 s_i &lt;= c^2, which recovers RMSProp's
 * (and Adam's) preconditioner 1/sqrt(v); with {@code eps > 0} (name {@code update-rms-eps}) the
 * budget q_i (sqrt(s_i) + eps) &lt;= c, the RMS budget plus a raw learning-rate cap c/eps, which
 * recovers exactly Adam's denominator with lr = c.
 *
 * <p><b>Theorem.</b> max { sum_i q_i s_i : q_i &gt;= 0, q_i (sqrt(s_i) + eps) &lt;= c } =
 * c sum_i s_i / (sqrt(s_i) + eps), attained at q*_i = c / (sqrt(s_i) + eps); for eps = 0 the value is
 * c sum_i sqrt(s_i).
 * <br><b>Proof sketch.</b> Separable: each q_i takes its upper bound. With eps = 0 a coordinate
 * with s_i = 0 has no bound and no effect on the value; this returns q_i = 0 there (the
 * pseudo-inverse convention), and the numeric solver refuses such a sigma as unbounded.
 *
 * @param radius c &gt; 0
 * @param eps eps &gt;= 0 (0 for the pure RMS budget)
 */
public record UpdateRms(double radius, double eps) implements Budget {
    /** Checks radius and eps. */
    public UpdateRms {
        Budget.requirePositive("radius", radius);
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be non-negative and finite, got " + eps);
        }
    }

    /** The pure RMS budget (eps = 0). */
    public UpdateRms(double radius) {
        this(radius, 0);
    }

    @Override
    public String name() {
        return eps == 0 ? "update-rms" : "update-rms-eps";
    }

    @Override
    public boolean diagonal() {
        return true;
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        double[] s = sigma.diagonal();
        double[] q = optimum(s);
        double value = 0;
        for (int i = 0; i < s.length; i++) {
            value += q[i] * s[i];
        }
        Map<String, Double> hyper = new LinkedHashMap<>();
        hyper.put("lr", radius);
        hyper.put("eps", eps);
        return Optional.of(Design.closedForm(this, Linalg.diag(q), value, eps == 0 ? "rmsprop" : "adam", hyper));
    }

    /**
     * The diagonal of Q*, q*_i = c / (sqrt(s_i) + eps) (0 where the denominator is 0), for the
     * per-coordinate second moments {@code s} alone: the budget is separable, so this needs no
     * d x d matrix and serves tensors of any size (the optimal value is sum_i q*_i s_i).
     */
    public double[] optimum(double[] s) {
        double[] q = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            double denominator = Math.sqrt(s[i]) + eps;
            q[i] = denominator > 0 ? radius / denominator : 0;
        }
        return q;
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        double[] s = sigma.diagonal();
        double[] w = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            w[i] = Math.sqrt(s[i]) + eps;
            if (!(w[i] > 0)) {
                throw new IllegalArgumentException("the " + name() + " budget is unbounded: sigma[" + i + "][" + i
                        + "] = 0 puts no bound on q_" + i);
            }
        }
        return List.of(Constraint.weightedDiagonalAtMost(radius, w));
    }
}
