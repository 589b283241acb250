package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DerivativeTest {
    private static final Kernel SGD = Kernel.builder("sgd")
            .store("p", buffer("p").minus(scalar("lr").times(buffer("g"))))
            .build();

    private static Kernel adam() {
        Expr b1 = scalar("beta1");
        Expr b2 = scalar("beta2");
        return Kernel.builder("adam")
                .store("m", b1.times(buffer("m")).plus(one().minus(b1).times(buffer("g"))))
                .store("v", b2.times(buffer("v")).plus(one().minus(b2).times(buffer("g").square())))
                .store("p", buffer("p").minus(scalar("lr").times(buffer("m").div(one().minus(b1.pow(scalar("t")))))
                        .div(buffer("v").div(one().minus(b2.pow(scalar("t")))).sqrt().plus(scalar("eps")))))
                .build();
    }

    private static Map<String, String> adamOutputs() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("p", "dp");
        out.put("m", "dm");
        out.put("v", "dv");
        return out;
    }

    @Test
    void theLearningRateDerivativeOfSgdIsMinusTheGradientExactly() {
        Kernel d = Derivative.of(SGD, "lr", Map.of("p", "dp"), true);
        assertEquals("""
                kernel sgd'lr(buffers p, g, dp; scalars lr)
                  let p@0 = p - lr*g
                  let p@0'lr = -g
                  p = p@0
                  dp = p@0'lr
                """, d.toString());
        SplittableRandom r = new SplittableRandom(1);
        float[] g = new float[1001];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextDouble(-10, 10);
        }
        float[] p = new float[g.length];
        float[] dp = new float[g.length];
        KernelInterpreter.run(d, Map.of("p", p, "g", g, "dp", dp), Map.of("lr", 0.1));
        for (int i = 0; i < g.length; i++) {
            assertEquals(Float.floatToIntBits(-g[i]), Float.floatToIntBits(dp[i]), "element " + i);
        }
    }

    @Test
    void withoutStoresOnlyTheDerivativeBuffersAreWritten() {
        Kernel d = Derivative.of(adam(), "lr", Map.of("p", "dp"), false);
        assertEquals(List.of("dp"), d.storedBuffers());
        assertEquals(List.of("m", "g", "v", "p", "dp"), d.buffers());
        Kernel kept = Derivative.of(adam(), "lr", Map.of("p", "dp"), true);
        assertEquals(List.of("m", "v", "p", "dp"), kept.storedBuffers());
    }

    @Test
    void keepingStoresReproducesTheKernelBitForBit() {
        int n = 500;
        Map<String, float[]> a = adamInputs(n, 3);
        Map<String, float[]> b = copy(a);
        b.put("dp", new float[n]);
        b.put("dm", new float[n]);
        b.put("dv", new float[n]);
        Map<String, Double> s = Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "t", 7.0);
        KernelInterpreter.run(adam(), a, s);
        KernelInterpreter.run(Derivative.of(adam(), "beta1", adamOutputs(), true), b, s);
        for (String buf : List.of("m", "v", "p", "g")) {
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(a.get(buf)[i]), Float.floatToIntBits(b.get(buf)[i]), buf + " " + i);
            }
        }
    }

    @Test
    void followsTheDetachRuleThroughValuesStoredEarlier() {
        // d m_new / d beta1 = m_old - g: the old state is a constant.
        Map<String, float[]> in = adamInputs(200, 5);
        Map<String, float[]> out = copy(in);
        out.put("dp", new float[200]);
        out.put("dm", new float[200]);
        out.put("dv", new float[200]);
        KernelInterpreter.run(Derivative.of(adam(), "beta1", adamOutputs(), false), out,
                Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "t", 7.0));
        for (int i = 0; i < 200; i++) {
            assertEquals(in.get("m")[i] - in.get("g")[i], out.get("dm")[i], 1e-6, "dm at " + i);
            assertEquals(0f, out.get("dv")[i], "v does not depend on beta1");
        }
    }

    @Test
    void keepingStoresGivesTheSameDerivativesAsNotKeepingThem() {
        // The derivative of a stored value reads the buffer's old value, so it must be computed
        // before the store when the stores are kept.
        Map<String, float[]> in = adamInputs(200, 9);
        Map<String, float[]> kept = copy(in);
        Map<String, float[]> only = copy(in);
        for (Map<String, float[]> m : List.of(kept, only)) {
            m.put("dp", new float[200]);
            m.put("dm", new float[200]);
            m.put("dv", new float[200]);
        }
        for (String scalar : List.of("beta1", "beta2")) {
            Map<String, Double> s = Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "t", 7.0);
            KernelInterpreter.run(Derivative.of(adam(), scalar, adamOutputs(), true), kept, s);
            KernelInterpreter.run(Derivative.of(adam(), scalar, adamOutputs(), false), only, s);
            for (String d : List.of("dp", "dm", "dv")) {
                assertArrayEquals(only.get(d), kept.get(d), scalar + " " + d);
            }
            kept.putAll(copy(in));
            only.putAll(copy(in));
        }
    }

    @Test
    void differentiatesThroughAValueStoredEarlierInTheKernel() {
        // m_new = s*m, p_new = p - m_new*m_new: d p_new / d s = -2*s*m^2, via the stored m.
        Kernel k = Kernel.builder("k")
                .store("m", scalar("s").times(buffer("m")))
                .store("p", buffer("p").minus(buffer("m").times(buffer("m"))))
                .build();
        float[] m = {3f};
        float[] p = {1f};
        float[] dp = {0f};
        KernelInterpreter.run(Derivative.of(k, "s", Map.of("p", "dp"), false), Map.of("m", m, "p", p, "dp", dp),
                Map.of("s", 0.5));
        assertEquals(-9f, dp[0]);
        assertDerivative(Kernel.builder("k2")
                .store("m", scalar("s").times(buffer("m")))
                .store("y", buffer("y").minus(buffer("m").times(buffer("m"))))
                .build(), Map.of("m", 3.0, "y", 1.0), "s", 0.5, "through a stored m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lr", "beta1", "beta2", "eps"})
    void adamDerivativesMatchFiniteDifferences(String scalar) {
        int n = 400;
        Map<String, float[]> in = adamInputs(n, 11);
        Map<String, Double> at = new HashMap<>(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8,
                "t", 10.0));
        if (scalar.equals("eps")) {
            at.put("eps", 1e-3);
        }
        Kernel d = Derivative.of(adam(), scalar, adamOutputs(), false);
        Map<String, float[]> out = copy(in);
        for (String o : adamOutputs().values()) {
            out.put(o, new float[n]);
        }
        KernelInterpreter.run(d, out, at);
        // The differences are taken in double at p = 0: p enters the update additively, and a large p
        // would swallow the tiny change of p_new in rounding.
        Map<String, float[]> zeroP = copy(in);
        zeroP.put("p", new float[n]);
        double h = 1e-6 * Math.abs(at.get(scalar));
        for (Map.Entry<String, String> o : adamOutputs().entrySet()) {
            double[] fd = new double[n];
            double scale = 0;
            for (int i = 0; i < n; i++) {
                fd[i] = (evalDouble(adam(), zeroP, i, with(at, scalar, h)).get(o.getKey())
                        - evalDouble(adam(), zeroP, i, with(at, scalar, -h)).get(o.getKey())) / (2 * h);
                scale = Math.max(scale, Math.abs(fd[i]));
            }
            for (int i = 0; i < n; i++) {
                float got = out.get(o.getValue())[i];
                assertEquals(fd[i], got, 1e-4 * Math.abs(fd[i]) + 1e-5 * scale,
                        "d" + o.getKey() + "/d" + scalar + " at " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryRuleMatchesFiniteDifferences(UnaryOp op) {
        boolean positiveOnly = op == UnaryOp.SQRT || op == UnaryOp.LOG;
        List<Double> xs = new ArrayList<>(List.of(0.3, 0.9, 1.7));
        if (!positiveOnly) {
            xs.addAll(List.of(-1.3, -0.4));
        }
        Kernel k = Kernel.builder("u").store("y", scalar("s").times(buffer("x")).apply(op)).build();
        for (double x : xs) {
            assertDerivative(k, Map.of("x", x), "s", 0.7, op + " at x=" + x);
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void everyBinaryRuleMatchesFiniteDifferences(BinaryOp op) {
        Kernel left = Kernel.builder("l").store("y", new Expr.Binary(op, scalar("s").times(buffer("a")), buffer("b")))
                .build();
        Kernel right = Kernel.builder("r").store("y", new Expr.Binary(op, buffer("a"), scalar("s").times(buffer("b"))))
                .build();
        double[] values = {0.4, 1.3, 2.2};
        for (double a : values) {
            for (double b : values) {
                Map<String, Double> env = Map.of("a", a, "b", b);
                assertDerivative(left, env, "s", 0.9, op + " left at " + a + ", " + b);
                assertDerivative(right, env, "s", 0.9, op + " right at " + a + ", " + b);
            }
        }
    }

    @Test
    void selectDifferentiatesTheTakenBranch() {
        Kernel k = Kernel.builder("sel")
                .let("u", scalar("s").times(buffer("x")))
                .store("y", Expr.select(Expr.local("u").gt(one()), Expr.local("u").square(), scalar("s").neg()))
                .build();
        assertDerivative(k, Map.of("x", 2.0), "s", 0.8, "u > 1");
        assertDerivative(k, Map.of("x", 0.5), "s", 0.8, "u <= 1");
    }

    @Test
    void aScalarThatReachesNoOutputGivesZero() {
        Kernel k = Kernel.builder("k")
                .store("p", buffer("p").times(2))
                .sum("r", buffer("p").times(scalar("c")))
                .build();
        Kernel d = Derivative.of(k, "c", Map.of("p", "dp"), true);
        float[] p = {1, 2};
        float[] dp = {5, 5};
        Reductions r = KernelInterpreter.run(d, Map.of("p", p, "dp", dp), Map.of("c", 3.0));
        assertEquals(0f, dp[0]);
        assertEquals(0f, dp[1]);
        assertEquals(18.0, r.get("r"), "reductions are kept with the stores");
    }

    @Test
    void differentiatesADerivativeKernelAgain() {
        // A hypergradient tower differentiates derivative kernels, whose locals already carry the
        // generated names (p@0, p@0'lr).
        Kernel d1 = Derivative.of(SGD, "lr", Map.of("p", "dp"), true);
        Kernel d2 = Derivative.of(d1, "lr", Map.of("p", "dp2", "dp", "ddp"), true);
        float[] p = {1, 2};
        float[] g = {3, -4};
        float[] dp = new float[2];
        float[] dp2 = new float[2];
        float[] ddp = {7, 7};
        KernelInterpreter.run(d2, Map.of("p", p, "g", g, "dp", dp, "dp2", dp2, "ddp", ddp), Map.of("lr", 0.5));
        assertEquals(-0.5f, p[0]);
        assertEquals(4f, p[1]);
        assertEquals(-3f, dp[0]);
        assertEquals(-3f, dp2[0]);
        assertEquals(4f, dp2[1]);
        assertEquals(0f, ddp[0], "d(-g)/dlr = 0");
        Kernel cross = Derivative.of(adam(), "beta1", adamOutputs(), true);
        Kernel tower = Derivative.of(cross, "lr", Map.of("dp", "d2p"), true);
        assertTrue(tower.storedBuffers().contains("d2p"));
    }

    @Test
    void rejectsWhatCannotBeDifferentiated() {
        assertMessage("Kernel sgd has no scalar 'mu' to differentiate by; its scalars are [lr]",
                () -> Derivative.of(SGD, "mu", Map.of("p", "dp"), false));
        assertMessage("Kernel sgd does not store buffer 'g'; it stores [p]",
                () -> Derivative.of(SGD, "lr", Map.of("g", "dg"), false));
        assertMessage("Derivative buffer 'g' is already a buffer of kernel sgd",
                () -> Derivative.of(SGD, "lr", Map.of("p", "g"), false));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }

    /**
     * Checks a one-element derivative kernel, evaluated in double, against a central difference of
     * the kernel in double (step 1e-6), and its float32 interpretation against the same to 1e-5.
     */
    private static void assertDerivative(Kernel k, Map<String, Double> buffers, String scalar, double at,
            String what) {
        Kernel d = Derivative.of(k, scalar, Map.of("y", "dy"), false);
        double h = 1e-6;
        double fd = (evalDouble(k, buffers, Map.of(scalar, at + h)).get("y")
                - evalDouble(k, buffers, Map.of(scalar, at - h)).get("y")) / (2 * h);
        Map<String, Double> withOut = new HashMap<>(buffers);
        withOut.put("dy", Double.NaN);
        double exact = evalDouble(d, withOut, Map.of(scalar, at)).get("dy");
        assertEquals(fd, exact, 1e-6 * Math.max(1, Math.abs(fd)), what + ": symbolic vs finite difference");
        Map<String, float[]> host = new HashMap<>();
        withOut.forEach((name, v) -> host.put(name, new float[] {v.floatValue()}));
        KernelInterpreter.run(d, host, Map.of(scalar, at));
        assertEquals(exact, host.get("dy")[0], 1e-5 * Math.max(1, Math.abs(exact)), what + ": float32");
        assertTrue(Double.isFinite(exact), what);
    }

    // ---- a double-precision evaluator, independent of the interpreter ------------------------

    private static Map<String, Double> with(Map<String, Double> scalars, String name, double delta) {
        Map<String, Double> s = new HashMap<>(scalars);
        s.put(name, scalars.get(name) + delta);
        return s;
    }

    private static Map<String, Double> evalDouble(Kernel k, Map<String, float[]> buffers, int i,
            Map<String, Double> scalars) {
        Map<String, Double> element = new HashMap<>();
        buffers.forEach((name, data) -> element.put(name, (double) data[i]));
        return evalDouble(k, element, scalars);
    }

    /** Runs the kernel on one element in double precision; returns the buffers afterwards. */
    private static Map<String, Double> evalDouble(Kernel k, Map<String, Double> buffers, Map<String, Double> scalars) {
        Map<String, Double> bufs = new HashMap<>(buffers);
        Map<String, Double> locals = new HashMap<>();
        for (Statement st : k.statements()) {
            double v = eval(st.value(), bufs, locals, scalars);
            switch (st) {
                case Statement.Let let -> locals.put(let.name(), v);
                case Statement.Store s -> bufs.put(s.buffer(), v);
                case Statement.Reduce r -> { }
            }
        }
        return bufs;
    }

    private static double eval(Expr e, Map<String, Double> bufs, Map<String, Double> locals,
            Map<String, Double> scalars) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Scalar s -> scalars.get(s.name());
            case Expr.Buffer b -> bufs.get(b.name());
            case Expr.Local l -> locals.get(l.name());
            case Expr.Unary u -> KernelMath.uniform(u.op(), eval(u.x(), bufs, locals, scalars));
            case Expr.Binary b -> KernelMath.uniform(b.op(), eval(b.a(), bufs, locals, scalars),
                    eval(b.b(), bufs, locals, scalars));
            case Expr.Select s -> eval(s.condition(), bufs, locals, scalars) != 0
                    ? eval(s.ifTrue(), bufs, locals, scalars) : eval(s.ifFalse(), bufs, locals, scalars);
        };
    }

    private static Map<String, float[]> adamInputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> in = new LinkedHashMap<>();
        for (String b : List.of("m", "g", "v", "p")) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                double z = r.nextGaussian();
                a[i] = (float) (b.equals("v") ? z * z + 0.01 : z);
            }
            in.put(b, a);
        }
        return in;
    }

    private static Map<String, float[]> copy(Map<String, float[]> in) {
        Map<String, float[]> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    @Test
    void aZeroTangentStaysZeroWhereTheLocalDerivativeIsInfinite() {
        // v = beta2*v + (1-beta2)*g*g with v = g = 0: d sqrt(v)/d beta2 = 0/(2*0) would be NaN.
        Kernel k = Kernel.builder("rms")
                .store("v", scalar("beta2").times(buffer("v")).plus(one().minus(scalar("beta2")).times(buffer("g").square())))
                .store("p", buffer("p").minus(buffer("g").div(buffer("v").sqrt().plus(scalar("eps")))))
                .build();
        Kernel d = Derivative.of(k, "beta2", Map.of("p", "dp"), true);
        Map<String, float[]> buffers = new HashMap<>(Map.of("v", new float[] {0f, 0.5f}, "g", new float[] {0f, 1f},
                "p", new float[] {1f, 1f}, "dp", new float[2]));
        KernelInterpreter.run(d, buffers, Map.of("beta2", 0.9, "eps", 1e-8));
        assertEquals(0f, buffers.get("dp")[0]);
        assertTrue(Float.isFinite(buffers.get("dp")[1]) && buffers.get("dp")[1] != 0f);
    }
}
