package org.optopt.cli.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Performance profiles in the style of MLCommons AlgoPerf (Dahl et al., 2023, section 4.5): for
 * each task, an optimizer's performance ratio is its time to the target divided by the best time
 * any optimizer reached on that task (infinite where it never reached the target); its profile
 * {@code rho(tau)} is the fraction of tasks whose ratio is at most {@code tau}; its score is the
 * area under the profile over {@code tau} in {@code [1, tauMax]}, divided by {@code tauMax - 1} so
 * that 1 means fastest on every task and 0 means never within {@code tauMax} of the fastest.
 *
 * <p>The profile is a step function, so the area is exact: each task contributes
 * {@code max(0, tauMax - ratio) / (tauMax - 1)} divided by the number of tasks.
 */
public final class Profiles {
    /** AlgoPerf's largest ratio. */
    public static final double TAU_MAX = 4;

    private Profiles() {}

    /** The median, with infinities (targets not reached) ordered last; NaN for no values. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * The performance ratios per optimizer and task.
     *
     * @param times time to target by task, then by optimizer (infinite: not reached)
     */
    public static Map<String, double[]> ratios(Map<String, Map<String, Double>> times, List<String> optimizers) {
        Map<String, double[]> out = new LinkedHashMap<>();
        optimizers.forEach(o -> out.put(o, new double[times.size()]));
        int k = 0;
        for (Map<String, Double> task : times.values()) {
            double best = task.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.POSITIVE_INFINITY);
            for (String o : optimizers) {
                double t = task.getOrDefault(o, Double.POSITIVE_INFINITY);
                out.get(o)[k] = Double.isFinite(best) && Double.isFinite(t) ? t / best : Double.POSITIVE_INFINITY;
            }
            k++;
        }
        return out;
    }

    /** The fraction of {@code ratios} at most {@code tau}. */
    public static double rho(double[] ratios, double tau) {
        return ratios.length == 0 ? 0 : Arrays.stream(ratios).filter(r -> r <= tau).count() / (double) ratios.length;
    }

    /** The normalized area under the profile over {@code [1, TAU_MAX]}. */
    public static double area(double[] ratios) {
        double sum = 0;
        for (double r : ratios) {
            sum += Math.max(0, TAU_MAX - Math.max(1, r)) / (TAU_MAX - 1);
        }
        return ratios.length == 0 ? 0 : sum / ratios.length;
    }

    /** {@code rho} at {@code points} values of {@code tau} evenly spaced over {@code [1, TAU_MAX]}. */
    public static List<double[]> curve(double[] ratios, int points) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            double tau = 1 + (TAU_MAX - 1) * i / (points - 1);
            out.add(new double[] {tau, rho(ratios, tau)});
        }
        return out;
    }
}
