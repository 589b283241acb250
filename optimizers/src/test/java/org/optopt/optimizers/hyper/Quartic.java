package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.optimizers.golden.QuarticProblem;

/**
 * A synthetic instance of the golden files' quartic problem (W 4x3, b 5), in the golden JSON
 * layout, with its loss {@code f_t(p) = sum(0.5*a*d^2 + 0.25*q*d^4) + sum(noise[t]*p)} on the host.
 */
final class Quartic {
    static final double Q = 0.05;
    final Map<String, Object> json = new LinkedHashMap<>();
    private final Map<String, double[]> a = new LinkedHashMap<>();
    private final Map<String, double[]> c = new LinkedHashMap<>();
    private final Map<String, double[][]> noise = new LinkedHashMap<>();

    Quartic(int steps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        json.put("steps", (double) steps);
        json.put("q", Q);
        Map<String, Object> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : Map.of("W", new int[] {4, 3}, "b", new int[] {5}).entrySet()) {
            int n = 1;
            List<Object> shape = new ArrayList<>();
            for (int d : e.getValue()) {
                n *= d;
                shape.add((double) d);
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("shape", shape);
            double[] av = values(r, n, 0.5, 1.5);
            double[] cv = values(r, n, -1, 1);
            t.put("a", list(av));
            t.put("c", list(cv));
            t.put("p0", list(values(r, n, -1, 1)));
            double[][] nz = new double[steps][];
            List<Object> rows = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                nz[s] = values(r, n, -0.1, 0.1);
                rows.add(list(nz[s]));
            }
            t.put("noise", rows);
            tensors.put(e.getKey(), t);
            a.put(e.getKey(), av);
            c.put(e.getKey(), cv);
            noise.put(e.getKey(), nz);
        }
        json.put("tensors", tensors);
    }

    private static double[] values(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    private static List<Object> list(double[] v) {
        List<Object> out = new ArrayList<>();
        for (double x : v) {
            out.add(x);
        }
        return out;
    }

    QuarticProblem problem(Backend backend) {
        return new QuarticProblem(json, backend);
    }

    /** {@code f_t} at the parameters' current values, in double. */
    double loss(List<Parameter> params, int t) {
        double f = 0;
        for (Parameter p : params) {
            float[] x = p.value().toArray();
            double[] av = a.get(p.name());
            double[] cv = c.get(p.name());
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - cv[i];
                f += 0.5 * av[i] * d * d + 0.25 * Q * d * d * d * d + noise.get(p.name())[t][i] * x[i];
            }
        }
        return f;
    }
}
