package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.LineBound;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;

/** Reproducible parameters and gradients for tests. */
public final class TestProblems {
    private TestProblems() {}

    /** Uniform values in [-1, 1) from {@code seed}. */
    public static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * r.nextDouble() - 1);
        }
        return v;
    }

    /** Parameters {@code W} (3x5 or given shapes) with random values and gradients. */
    public static List<Parameter> parameters(Backend backend, long seed, Shape... shapes) {
        List<Parameter> out = new ArrayList<>();
        String[] names = {"W", "b", "c", "d", "e"};
        for (int i = 0; i < shapes.length; i++) {
            Shape s = shapes[i];
            out.add(new Parameter(names[i], backend.fromArray(uniform(s.size(), seed + 31L * i), s),
                    backend.fromArray(uniform(s.size(), seed + 17 + 31L * i), s)));
        }
        return out;
    }

    /**
     * The parabola {@code f = sum(0.5*a*(p - c)^2)} with {@code a} in [0.5, 1.5) and {@code c} in
     * [-1, 1): writes its gradient into every parameter and returns f.
     */
    public static double parabola(List<Parameter> params, long seed) {
        return parabola(params, seed, null, null);
    }

    /**
     * The {@link #parabola} as a closure for {@code step(closure)}, with its exact line bound
     * {@code f(x + eta d) = f + eta sum a (x - c) d + eta^2 sum a d^2 / 2} (a closed form, so the
     * interval coefficient is one point).
     */
    public static Closure parabolaClosure(List<Parameter> params, long seed) {
        return Closure.of(() -> parabola(params, seed), (direction, maxStep) -> {
            double[] slopeAndCurvature = new double[2];
            double f = parabola(params, seed, direction, slopeAndCurvature);
            return new LineBound(f, slopeAndCurvature[0], slopeAndCurvature[1], slopeAndCurvature[1], maxStep);
        });
    }

    /**
     * The parabola; without a {@code direction} (null) it writes the gradient, with one it adds the
     * slope and curvature along it to {@code out} instead.
     */
    private static double parabola(List<Parameter> params, long seed, Map<String, float[]> direction, double[] out) {
        double f = 0;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            float[] x = p.value().toArray();
            float[] a = uniform(x.length, seed + 1000 + k);
            float[] c = uniform(x.length, seed + 2000 + k);
            float[] g = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                float ai = 1 + a[i] / 2;
                float d = x[i] - c[i];
                g[i] = ai * d;
                f += 0.5 * ai * d * d;
                float[] dir = direction == null ? null : direction.get(p.name());
                if (dir != null) {
                    out[0] += ai * d * dir[i];
                    out[1] += 0.5 * ai * dir[i] * dir[i];
                }
            }
            if (direction == null) {
                p.gradient().copyFrom(g);
            }
        }
        return f;
    }
}
