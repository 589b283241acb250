package org.optopt.theory;

/**
 * Momentum from the gradient autocorrelation (SEEDS.md A.3, the dynamic extension).
 *
 * <p>An update that is a causal linear filter of past gradients, u_t = sum_k h_k g_(t-k), lowers the
 * loss at the rate E[g_t^T u_t] = sum_k h_k R(k) = &lt;h, R&gt; with R(k) = E[g_t^T g_(t-k)].
 * <ul>
 * <li><b>Energy budget</b> ||h||_2 &lt;= c: h* = c R / ||R|| (Cauchy-Schwarz): the best linear memory is
 * the autocorrelation itself ({@link #optimalFilter}).
 * <li><b>Single-pole filters</b> h_k = m^k (heavy-ball momentum m), normalized by
 * ||h||_2 = 1/sqrt(1 - m^2): the score <b>J(m) = sqrt(1 - m^2) sum_k m^k R(k)</b> ({@link #score}).
 * If R(k) = R0 rho^k then J(m) = R0 sqrt(1 - m^2)/(1 - m rho), whose derivative vanishes where
 * -m (1 - m rho) + rho (1 - m^2) = 0, i.e. m* = rho: the optimal momentum is the lag-1 normalized
 * autocorrelation ({@link #plugIn}).
 * </ul>
 * Autocorrelations are given for lags 0..K; terms beyond K count as 0.
 */
public final class MomentumScore {
    private static final int GRID = 2000;
    private final double[] r;

    /**
     * A score over the autocorrelations R(0..K).
     *
     * @throws IllegalArgumentException if there is no lag or an entry is not finite
     */
    public MomentumScore(double[] autocorrelations) {
        if (autocorrelations.length == 0) {
            throw new IllegalArgumentException("at least R(0) is needed");
        }
        for (int k = 0; k < autocorrelations.length; k++) {
            if (!Double.isFinite(autocorrelations[k])) {
                throw new IllegalArgumentException("R(" + k + ") is not finite: " + autocorrelations[k]);
            }
        }
        this.r = autocorrelations.clone();
    }

    /**
     * J(m) = sqrt(1 - m^2) sum_k m^k R(k).
     *
     * @throws IllegalArgumentException unless 0 &lt;= m &lt; 1
     */
    public double score(double m) {
        if (!(m >= 0 && m < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + m);
        }
        double sum = 0;
        for (int k = r.length - 1; k >= 0; k--) {
            sum = sum * m + r[k];
        }
        return Math.sqrt(1 - m * m) * sum;
    }

    /**
     * argmax of J over [0, 1): the best of a grid of 2000 points, refined by golden-section search on
     * the neighbouring cells to 1e-12.
     */
    public double argmax() {
        int best = 0;
        double bestScore = score(0);
        for (int i = 1; i < GRID; i++) {
            double s = score((double) i / GRID);
            if (s > bestScore) {
                best = i;
                bestScore = s;
            }
        }
        double lo = Math.max(0, (best - 1.0) / GRID);
        double hi = Math.min(1 - 1e-15, (best + 1.0) / GRID);
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = hi - phi * (hi - lo);
        double b = lo + phi * (hi - lo);
        double fa = score(a);
        double fb = score(b);
        while (hi - lo > 1e-12) {
            if (fa < fb) {
                lo = a;
                a = b;
                fa = fb;
                b = lo + phi * (hi - lo);
                fb = score(b);
            } else {
                hi = b;
                b = a;
                fb = fa;
                a = hi - phi * (hi - lo);
                fa = score(a);
            }
        }
        double m = (lo + hi) / 2;
        return score(m) >= bestScore ? m : (double) best / GRID;
    }

    /** The plug-in estimate R(1)/R(0), exact for geometric autocorrelations. */
    public double plugIn() {
        if (r.length < 2) {
            throw new IllegalArgumentException("the plug-in momentum needs R(1)");
        }
        return r[1] / r[0];
    }

    /** The optimal filter under ||h||_2 &lt;= c: h* = c R / ||R||. */
    public double[] optimalFilter(double radius) {
        Budget.requirePositive("radius", radius);
        double norm = Linalg.norm(r);
        double[] h = new double[r.length];
        for (int k = 0; k < h.length; k++) {
            h[k] = radius * r[k] / norm;
        }
        return h;
    }
}
