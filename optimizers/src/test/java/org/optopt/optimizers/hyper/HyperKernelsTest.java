package org.optopt.optimizers.hyper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.Derivative;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.optim.Reparameterization;
import org.optopt.optimizers.ElementwiseRule;

/**
 * The automatic d p_new / d raw.h of fused level kernels against the closed forms of SEEDS.md B.2
 * (gdtuo conventions), on every test backend.
 */
class HyperKernelsTest {
    private static final int N = 257;
    private static final RegistryCatalog GDTUO = RegistryCatalog.gdtuo();

    static List<String> backends() {
        return TestBackends.names();
    }

    private static float[] normal(long seed, double scale, double shift) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = (float) (shift + scale * r.nextGaussian());
        }
        return v;
    }

    private static float[] squares(long seed, double scale, double shift) {
        float[] v = normal(seed, scale, 0);
        for (int i = 0; i < N; i++) {
            v[i] = (float) (shift + v[i] * v[i]);
        }
        return v;
    }

    private static Map<String, float[]> step(Backend backend, LevelSpec level, Map<String, float[]> in,
                                             Map<String, Double> raw, double t) {
        Map<String, Reparameterization> learn = new LinkedHashMap<>();
        level.learnable().forEach(h -> learn.put(h, level.hyperparameter(h).reparameterization()));
        Kernel k = HyperKernels.step(level.rule(), learn);
        Map<String, Double> scalars = new LinkedHashMap<>();
        raw.forEach((h, x) -> scalars.put(HyperKernels.rawScalar(h), x));
        if (k.scalarIndex(ElementwiseRule.STEP) >= 0) {
            scalars.put(ElementwiseRule.STEP, t);
        }
        Map<String, float[]> buffers = new LinkedHashMap<>();
        in.forEach((b, v) -> buffers.put(b, v.clone()));
        return KernelRunner.run(backend, k, buffers, scalars);
    }

    private static void assertClose(String what, IntToDoubleFunction oracle, float[] actual) {
        double scale = 0;
        for (int i = 0; i < N; i++) {
            scale = Math.max(scale, Math.abs(oracle.applyAsDouble(i)));
        }
        assertTrue(scale > 0, what + ": the oracle is identically 0");
        for (int i = 0; i < N; i++) {
            double o = oracle.applyAsDouble(i);
            assertEquals(o, actual[i], 2e-4 * Math.abs(o) + 1e-5 * scale, what + " at " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sgdStepSizeDerivativeIsMinusTheGradient(String backendName) {
        Backend b = TestBackends.named(backendName);
        float[] g = normal(1, 1, 0);
        Map<String, float[]> out = step(b, GDTUO.level("sgd", 0.01, Map.of()),
                Map.of("p", normal(2, 1, 0), "g", g), Map.of("alpha", 0.01), 1);
        assertArrayEquals(negate(g), out.get("dp.alpha"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sgdMomentumDerivatives(String backendName) {
        Backend b = TestBackends.named(backendName);
        float[] g = normal(3, 1, 0);
        float[] buf = normal(4, 1, 0);
        double alpha = 0.02;
        double mu = 0.9;
        Map<String, float[]> out = step(b, GDTUO.level("sgd", alpha, Map.of("mu", mu)),
                Map.of("p", normal(5, 1, 0), "g", g, "buf", buf), Map.of("alpha", alpha, "mu", mu), 3);
        assertClose("dp/dalpha = -buf_new", i -> -(mu * buf[i] + g[i]), out.get("dp.alpha"));
        assertClose("dp/dmu = -alpha*buf_old", i -> -alpha * buf[i], out.get("dp.mu"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void adagradStepSizeDerivative(String backendName) {
        Backend b = TestBackends.named(backendName);
        float[] g = normal(6, 1, 0);
        float[] acc = squares(7, 1, 0.1);
        Map<String, float[]> out = step(b, GDTUO.level("adagrad", 0.05, Map.of()),
                Map.of("p", normal(8, 1, 0), "g", g, "G", acc), Map.of("alpha", 0.05), 4);
        assertClose("dp/dalpha = -g/sqrt(G_new + 1e-10)", i -> -g[i] / Math.sqrt(acc[i] + (double) g[i] * g[i] + 1e-10),
                out.get("dp.alpha"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void rmspropDerivativesThroughSquareAndTanh(String backendName) {
        Backend b = TestBackends.named(backendName);
        float[] g = normal(9, 1, 0);
        float[] s = squares(10, 1, 0);
        double a = Math.sqrt(0.01);
        double x = Reparameterization.UNIT_INTERVAL_TANH.inverse(0.9);
        double alpha = a * a;
        double gamma = Reparameterization.UNIT_INTERVAL_TANH.forward(x);
        double eps = 1e-8;
        Map<String, float[]> out = step(b, GDTUO.level("rmsprop", 0.01, Map.of("gamma", 0.9)),
                Map.of("p", normal(11, 1, 0), "g", g, "s", s), Map.of("alpha", a, "gamma", x), 2);
        IntToDoubleFunction sNew = i -> gamma * s[i] + (1 - gamma) * g[i] * g[i];
        assertClose("dp/da = -2a*g/sqrt(s+eps)", i -> -2 * a * g[i] / Math.sqrt(sNew.applyAsDouble(i) + eps),
                out.get("dp.alpha"));
        assertClose("dp/dx = (alpha/2)*g*(s_old - g^2)*(s+eps)^-1.5 * 2gamma(1-gamma)",
                i -> alpha / 2 * g[i] * (s[i] - g[i] * g[i]) * Math.pow(sNew.applyAsDouble(i) + eps, -1.5)
                        * 2 * gamma * (1 - gamma), out.get("dp.gamma"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void adamDerivativesThroughTanh(String backendName) {
        Backend b = TestBackends.named(backendName);
        float[] g = normal(12, 1, 0);
        float[] m = normal(13, 0.5, 0);
        float[] v = squares(14, 1, 1e-3);
        double alpha = 0.01;
        double x1 = Reparameterization.UNIT_INTERVAL_TANH.inverse(0.8);
        double x2 = Reparameterization.UNIT_INTERVAL_TANH.inverse(0.95);
        double b1 = Reparameterization.UNIT_INTERVAL_TANH.forward(x1);
        double b2 = Reparameterization.UNIT_INTERVAL_TANH.forward(x2);
        int t = 5;
        double eps = 1e-8;
        Map<String, float[]> out = step(b, GDTUO.level("adam", alpha, Map.of("beta1", 0.8, "beta2", 0.95)),
                Map.of("p", normal(15, 1, 0), "g", g, "m", m, "v", v), Map.of("alpha", alpha, "beta1", x1, "beta2", x2), t);
        double c1 = 1 - Math.pow(b1, t);
        double c2 = 1 - Math.pow(b2, t);
        IntToDoubleFunction mNew = i -> b1 * m[i] + (1 - b1) * g[i];
        IntToDoubleFunction vNew = i -> b2 * v[i] + (1 - b2) * g[i] * g[i];
        IntToDoubleFunction denom = i -> Math.sqrt(vNew.applyAsDouble(i) / c2) + eps;
        assertClose("dp/dalpha = -mhat/(sqrt(vhat)+eps)", i -> -mNew.applyAsDouble(i) / c1 / denom.applyAsDouble(i),
                out.get("dp.alpha"));
        assertClose("dp/dx1", i -> -alpha / denom.applyAsDouble(i)
                * ((m[i] - g[i]) * c1 + mNew.applyAsDouble(i) * t * Math.pow(b1, t - 1)) / (c1 * c1)
                * 2 * b1 * (1 - b1), out.get("dp.beta1"));
        assertClose("dp/dx2", i -> {
            double vhat = vNew.applyAsDouble(i) / c2;
            double dvhat = ((v[i] - (double) g[i] * g[i]) * c2 + vNew.applyAsDouble(i) * t * Math.pow(b2, t - 1)) / (c2 * c2);
            double d = denom.applyAsDouble(i);
            return alpha * mNew.applyAsDouble(i) / c1 / (d * d) * dvhat / (2 * Math.sqrt(vhat)) * 2 * b2 * (1 - b2);
        }, out.get("dp.beta2"));
    }

    @Test
    void fusionKeepsTheUpdateAndEveryDerivativeBitForBitAndSharesTheirValues() {
        LevelSpec adam = GDTUO.level("adam", 0.01, Map.of());
        Map<String, Reparameterization> learn = new LinkedHashMap<>();
        adam.learnable().forEach(h -> learn.put(h, adam.hyperparameter(h).reparameterization()));
        Kernel fused = HyperKernels.step(adam.rule(), learn);
        Kernel base = HyperKernels.substituted(adam.rule(), learn);
        Map<String, float[]> in = Map.of("p", normal(20, 1, 0), "g", normal(21, 1, 0), "m", normal(22, 1, 0),
                "v", squares(23, 1, 1e-3));
        Map<String, Double> scalars = Map.of("raw.alpha", 0.01, "raw.beta1", 1.1, "raw.beta2", 3.4, "t", 3.0);
        Map<String, float[]> a = copy(in);
        for (String h : learn.keySet()) {
            a.put("dp." + h, new float[N]);
        }
        KernelInterpreter.run(fused, a, scalars);
        Map<String, float[]> plain = copy(in);
        KernelInterpreter.run(base, plain, scalars);
        for (String buf : List.of("p", "m", "v")) {
            assertArrayEquals(plain.get(buf), a.get(buf), buf);
        }
        int separate = 0;
        for (String h : learn.keySet()) {
            Map<String, float[]> d = copy(in);
            d.put("dp." + h, new float[N]);
            Kernel dk = Derivative.of(base, "raw." + h, Map.of("p", "dp." + h), false);
            separate += dk.statements().size();
            KernelInterpreter.run(dk, d, scalars);
            assertArrayEquals(d.get("dp." + h), a.get("dp." + h), "dp." + h);
        }
        assertTrue(fused.statements().size() < separate, "fusion shares the update's values:\n" + fused);
    }

    @Test
    void fusionRefusesPartsThatReadAStoredBuffer() {
        Kernel first = Kernel.builder("a").store("m", Expr.buffer("m").times(2)).build();
        Kernel second = Kernel.builder("b").store("p", Expr.buffer("m")).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelFusion.fuse("ab", List.of(first, second)));
        assertTrue(e.getMessage().contains("reads buffer m after it was stored"), e.getMessage());
    }

    @Test
    void refusesAnUnknownLearnableHyperparameter() {
        LevelSpec sgd = GDTUO.level("sgd", 0.01, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HyperKernels.step(sgd.rule(), Map.of("mu", Reparameterization.IDENTITY)));
        assertTrue(e.getMessage().contains("'mu'") && e.getMessage().contains("alpha"), e.getMessage());
    }

    private static float[] negate(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static Map<String, float[]> copy(Map<String, float[]> in) {
        Map<String, float[]> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }
}
