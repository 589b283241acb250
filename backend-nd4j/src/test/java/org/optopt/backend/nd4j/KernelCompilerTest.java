package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.constant;
import static org.optopt.api.kernel.Expr.local;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.UnaryOp;

/**
 * The generated loops against the reference {@link KernelInterpreter}: stored buffers bit for bit
 * (NaNs compared as NaN), reductions exactly (both sum in element order).
 */
class KernelCompilerTest {
    /** Ordinary values, the edges of float and the special values. */
    private static final float[] SPECIALS = {0f, -0f, 1f, -1f, 0.5f, -2.5f, 3f, 1e-3f, 1e-30f, -1e-40f,
        Float.MIN_VALUE, Float.MIN_NORMAL, 1e30f, -3e38f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.NaN, 7f, 20f, -20f, 100f};

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryOpMatchesTheInterpreter(UnaryOp op) {
        Kernel k = Kernel.builder("unary_" + op)
                .store("y", buffer("x").apply(op))
                .store("z", buffer("x").times(scalar("s")).plus(constant(0.25)).apply(op))
                .build();
        assertMatchesInterpreter(k, 1031, Map.of("s", 1.75));
    }

    /** Max and min accumulate in float: the same values as the interpreter's double, NaN and signed zeros included. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 22, 1031})
    void maxAndMinReductionsMatchTheInterpreterOnSpecialValues(int n) {
        Kernel k = Kernel.builder("extrema")
                .reduce("max", ReduceOp.MAX, buffer("x"))
                .reduce("min", ReduceOp.MIN, buffer("x").times(scalar("s")))
                .reduce("nan_if_any", ReduceOp.MAX, buffer("x").times(constant(0)))
                .build();
        assertMatchesInterpreter(k, n, Map.of("s", -1.0));
        float[] zeros = {0f, -0f, -0f};
        Reductions r = run(Kernel.builder("zeros").reduce("max", ReduceOp.MAX, buffer("x"))
                .reduce("min", ReduceOp.MIN, buffer("x")).build(), new float[][] {zeros}, Map.of());
        assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(r.get("max")));
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(r.get("min")));
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void everyBinaryOpMatchesTheInterpreter(BinaryOp op) {
        Kernel k = Kernel.builder("binary_" + op)
                .store("z", new Expr.Binary(op, buffer("x"), buffer("y")))
                .store("w", new Expr.Binary(op, scalar("s").times(buffer("x")), constant(1.5)))
                .store("v", new Expr.Binary(op, constant(-0.5), buffer("y")))
                .build();
        assertMatchesInterpreter(k, 1031, Map.of("s", -0.3));
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reductionsMatchTheInterpreter(ReduceOp op) {
        Kernel k = Kernel.builder("reduce_" + op)
                .reduce("r", op, buffer("x").times(buffer("y")))
                .reduce("q", op, buffer("x").abs().plus(scalar("s")))
                .build();
        assertMatchesInterpreter(k, 4097, Map.of("s", 2.0));
    }

    @Test
    void selectEvaluatesTheChosenBranchWithNanConditionTrue() {
        Kernel k = Kernel.builder("select")
                .store("z", Expr.select(buffer("x").gt(buffer("y")), buffer("x").sqrt(), buffer("y").neg()))
                .store("w", Expr.select(buffer("x"), constant(1), constant(2)))
                .build();
        assertMatchesInterpreter(k, 517, Map.of());
        float[] x = {Float.NaN, 0f, -0f, 3f};
        float[] w = new float[4];
        float[] z = new float[4];
        float[] y = new float[4];
        run(k, new float[][] {x, y, z, w}, Map.of());
        assertEquals(List.of(1f, 2f, 2f, 1f), List.of(w[0], w[1], w[2], w[3]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 15, 16, 17, 63, 1001})
    void adamMatchesTheInterpreterAtOddSizes(int n) {
        assertMatchesInterpreter(adam(), n, adamScalars(3));
    }

    @Test
    void storesAreVisibleToLaterStatementsAndBufferReadsBeforeThemSeeOldValues() {
        Kernel k = Kernel.builder("chain")
                .let("old", buffer("p"))
                .store("p", buffer("p").plus(buffer("g")))
                .store("q", buffer("p").times(constant(2)).minus(local("old")))
                .sum("total", buffer("p"))
                .build();
        float[] p = {1f, 2f, 3f};
        float[] g = {10f, 20f, 30f};
        float[] q = new float[3];
        Reductions r = run(k, new float[][] {p, g, q}, Map.of());
        assertEquals(List.of(11f, 22f, 33f), List.of(p[0], p[1], p[2]));
        assertEquals(List.of(21f, 42f, 63f), List.of(q[0], q[1], q[2]));
        assertEquals(66.0, r.get("total"));
    }

    @Test
    void randomKernelsMatchTheInterpreter() {
        SplittableRandom random = new SplittableRandom(20261122);
        for (int i = 0; i < 150; i++) {
            Kernel k = new RandomKernels(random).kernel("random" + i);
            assertMatchesInterpreter(k, 1 + random.nextInt(70), Map.of("a", 0.75, "b", -1.5));
        }
    }

    @Test
    void largeReductionKernelsStayCompilable() {
        Expr chain = buffer("x");
        for (int i = 0; i < 300; i++) {
            chain = chain.times(constant(0.999)).plus(buffer(i % 2 == 0 ? "x" : "y"));
        }
        Kernel large = Kernel.builder("large").sum("s", chain).store("y", chain.times(constant(0.5))).build();
        int longest = KernelCompiler.codeLength(KernelCompiler.generate(KernelPlan.of(large)));
        assertTrue(longest <= 8000, "a method of the large kernel's loop has " + longest + " bytes");
        assertMatchesInterpreter(large, 1003, Map.of());
    }

    @Test
    void equalKernelsShareOneGeneratedLoop() {
        ElementLoop first = KernelCompiler.loop(KernelPlan.of(adam()));
        ElementLoop second = KernelCompiler.loop(KernelPlan.of(adam()));
        assertSame(first, second);
        Kernel other = Kernel.builder("sgd").store("p", buffer("p").minus(scalar("lr").times(buffer("g")))).build();
        assertNotSame(first.getClass(), KernelCompiler.loop(KernelPlan.of(other)).getClass());
        assertTrue(first.getClass().isHidden());
    }

    /** Adam with bias correction: m, v, p updated in place from g. */
    static Kernel adam() {
        Expr b1 = scalar("b1");
        Expr b2 = scalar("b2");
        Expr t = scalar("t");
        return Kernel.builder("adam")
                .store("m", b1.times(buffer("m")).plus(b1.oneMinus().times(buffer("g"))))
                .store("v", b2.times(buffer("v")).plus(b2.oneMinus().times(buffer("g")).times(buffer("g"))))
                .store("p", buffer("p").minus(scalar("lr").times(buffer("m").div(b1.pow(t).oneMinus()))
                        .div(buffer("v").div(b2.pow(t).oneMinus()).sqrt().plus(scalar("eps")))))
                .build();
    }

    static Map<String, Double> adamScalars(int t) {
        return Map.of("lr", 1e-3, "b1", 0.9, "b2", 0.999, "eps", 1e-8, "t", (double) t);
    }

    /** Runs the generated loop directly over arrays in kernel buffer order. */
    private static Reductions run(Kernel k, float[][] arrays, Map<String, Double> scalars) {
        KernelPlan plan = KernelPlan.of(k);
        double[] sc = new double[k.scalars().size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = scalars.get(k.scalars().get(i));
        }
        double[] red = new double[k.reductions().size()];
        for (var st : k.statements()) {
            if (st instanceof org.optopt.api.kernel.Statement.Reduce r) {
                red[k.reductions().indexOf(r.name())] = r.op().identity();
            }
        }
        KernelCompiler.loop(plan).run(arrays, plan.evaluateUniforms(sc), red, 0, arrays[0].length);
        return new Reductions(k.reductions(), red);
    }

    private static void assertMatchesInterpreter(Kernel k, int n, Map<String, Double> available) {
        Map<String, Double> scalars = new LinkedHashMap<>();
        k.scalars().forEach(s -> scalars.put(s, available.get(s)));
        SplittableRandom random = new SplittableRandom(k.hashCode());
        Map<String, float[]> expected = new LinkedHashMap<>();
        Map<String, float[]> originals = new LinkedHashMap<>();
        float[][] actual = new float[k.buffers().size()][];
        for (int b = 0; b < actual.length; b++) {
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = i < SPECIALS.length && b % 2 == 0 ? SPECIALS[(i + b) % SPECIALS.length]
                        : (float) (random.nextGaussian() * (b + 1));
            }
            expected.put(k.buffers().get(b), data.clone());
            originals.put(k.buffers().get(b), data.clone());
            actual[b] = data;
        }
        Reductions want = KernelInterpreter.run(k, expected, scalars);
        Reductions got = run(k, actual, scalars);
        for (int b = 0; b < actual.length; b++) {
            float[] e = expected.get(k.buffers().get(b));
            for (int i = 0; i < n; i++) {
                if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(actual[b][i])) {
                    fail(k + "buffer " + k.buffers().get(b) + "[" + i + "]: interpreter " + e[i] + ", compiled "
                            + actual[b][i]);
                }
            }
        }
        Reductions magnitudes = KernelInterpreter.run(absoluteSums(k), originals, scalars);
        for (int r = 0; r < want.size(); r++) {
            String what = k + "reduction " + k.reductions().get(r);
            if (isSum(k, r) && Double.isFinite(want.get(r)) && Double.isFinite(magnitudes.get(r))) {
                assertEquals(want.get(r), got.get(r), 1e-13 * magnitudes.get(r), what);
            } else {
                assertEquals(want.get(r), got.get(r), 0.0, what);
            }
        }
    }

    private static boolean isSum(Kernel k, int reduction) {
        return k.statements().stream().anyMatch(st -> st instanceof org.optopt.api.kernel.Statement.Reduce r
                && r.name().equals(k.reductions().get(reduction)) && r.op() == ReduceOp.SUM);
    }

    /** The same kernel with every sum over absolute values: it bounds the rounding error of any summation order. */
    private static Kernel absoluteSums(Kernel k) {
        Kernel.Builder b = Kernel.builder(k.name() + "_abs");
        for (var st : k.statements()) {
            switch (st) {
                case org.optopt.api.kernel.Statement.Reduce r when r.op() == ReduceOp.SUM ->
                        b.reduce(r.name(), ReduceOp.SUM, r.value().abs());
                default -> b.add(st);
            }
        }
        return b.build();
    }

    /** Random well-formed kernels over buffers x, y, z, scalars a, b, constants and locals. */
    static final class RandomKernels {
        private final SplittableRandom random;
        private final List<String> locals = new ArrayList<>();

        RandomKernels(SplittableRandom random) {
            this.random = random;
        }

        Kernel kernel(String name) {
            Kernel.Builder b = Kernel.builder(name);
            int statements = 1 + random.nextInt(5);
            for (int s = 0; s < statements; s++) {
                Expr e = expr(4);
                switch (random.nextInt(4)) {
                    case 0 -> {
                        String l = "t" + locals.size();
                        b.let(l, e);
                        locals.add(l);
                    }
                    case 1 -> b.store("y", e);
                    case 2 -> b.store("z", e);
                    default -> b.reduce("r" + s, ReduceOp.values()[random.nextInt(3)], e);
                }
            }
            b.store("z", expr(3));
            return b.build();
        }

        private Expr expr(int depth) {
            int choice = random.nextInt(depth <= 0 ? 4 : 8);
            return switch (choice) {
                case 0 -> buffer(List.of("x", "y", "z").get(random.nextInt(3)));
                case 1 -> scalar(random.nextBoolean() ? "a" : "b");
                case 2 -> constant(random.nextInt(7) - 3 + 0.5 * random.nextInt(2));
                case 3 -> locals.isEmpty() ? buffer("x") : local(locals.get(random.nextInt(locals.size())));
                case 4, 5 -> new Expr.Binary(BinaryOp.values()[random.nextInt(BinaryOp.values().length)],
                        expr(depth - 1), expr(depth - 1));
                case 6 -> new Expr.Unary(UnaryOp.values()[random.nextInt(UnaryOp.values().length)], expr(depth - 1));
                default -> Expr.select(expr(depth - 1), expr(depth - 1), expr(depth - 1));
            };
        }
    }
}
