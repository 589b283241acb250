package org.optopt.optimizers.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The autocorrelation probe's statistics by their definition, in double over float gradients:
 * R(k) = bias-corrected EMA of g_t . g_(t-k), lag k counting from the (k+1)-th observation after a
 * gap. Beside each EMA it keeps the EMAs of two error scales: sum_i |g_i g'_i| (the float products'
 * rounding) and sum_i |g_i| max(|g'_i|, RMS(g')) (a float16 lag's rounding, g' the lag's gradient).
 */
final class LagReference {
    private final int lags;
    private final double beta;
    private final double[] ema;
    private final double[] products;
    private final double[] halves;
    private final long[] counts;
    private final List<float[][]> run = new ArrayList<>();

    LagReference(int lags, double beta) {
        this.lags = lags;
        this.beta = beta;
        ema = new double[lags + 1];
        products = new double[lags + 1];
        halves = new double[lags + 1];
        counts = new long[lags + 1];
    }

    void observe(float[][] g) {
        run.add(g);
        int t = run.size() - 1;
        for (int k = 0; k <= lags && k <= t; k++) {
            float[][] h = run.get(t - k);
            double rms = rms(h);
            double dot = 0;
            double abs = 0;
            double half = 0;
            for (int p = 0; p < g.length; p++) {
                for (int i = 0; i < g[p].length; i++) {
                    dot += (double) g[p][i] * h[p][i];
                    abs += Math.abs((double) g[p][i] * h[p][i]);
                    half += Math.abs((double) g[p][i]) * Math.max(Math.abs((double) h[p][i]), rms);
                }
            }
            ema[k] = beta * ema[k] + (1 - beta) * dot;
            products[k] = beta * products[k] + (1 - beta) * abs;
            halves[k] = beta * halves[k] + (1 - beta) * half;
            counts[k]++;
        }
    }

    private static double rms(float[][] g) {
        double sum = 0;
        long n = 0;
        for (float[] a : g) {
            for (float v : a) {
                sum += (double) v * v;
                n++;
            }
        }
        return Math.sqrt(sum / n);
    }

    void gap() {
        run.clear();
    }

    /** The bias-corrected R(k), or NaN before lag k has an observation. */
    double r(int k) {
        return counts[k] == 0 ? Double.NaN : ema[k] / (1 - Math.pow(beta, counts[k]));
    }

    /**
     * Checks each R(k) of {@code probe}: within 1e-5 of the EMA of the products' absolute values
     * (float products, double sums), plus, for a float16 ring's lags k &gt;= 1, 2^-11 of the EMA of
     * sum_i |g_i| max(|g'_i|, RMS(g')) (each stored element rounded to 11 significant bits, an element
     * below the normal range within 2^-11 of the RMS).
     */
    void check(AutocorrelationProbe probe, String where) {
        Map<String, Double> s = probe.statistics();
        boolean float16 = probe.precision() == org.optopt.api.tensor.Precision.FLOAT16;
        for (int k = 0; k <= lags; k++) {
            Double got = s.get("R" + k);
            if (counts[k] == 0) {
                assertTrue(got.isNaN(), where + ": R" + k + " not observed yet, got " + got);
                continue;
            }
            double c = 1 / (1 - Math.pow(beta, counts[k]));
            double bound = 1e-5 * products[k] * c + (float16 && k > 0 ? 0x1p-11 * halves[k] * c : 0);
            assertEquals(r(k), got, bound, where + ": R" + k);
        }
    }
}
