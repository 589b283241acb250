package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.constant;
import static org.optopt.api.kernel.Expr.scalar;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.UnaryOp;

/**
 * Compiled kernels with sums (the Vector API loops of {@link VectorLoopEmitter} where the module
 * is present, and the scalar loops with their {@link SumLanes}) against independent references: every sum within the
 * worst-case rounding bound of recursive summation of its exact float terms, stored values bit for
 * bit equal to the {@link KernelInterpreter}'s.
 *
 * <p>The bound: any order of adding n doubles t_i in double precision is within
 * gamma(n-1) * sum |t_i| of the exact sum, gamma(k) = k u / (1 - k u), u = 2^-53 (Higham, Accuracy
 * and Stability of Numerical Algorithms, 2nd ed., eq. 4.4). The exact sum is a {@link BigDecimal}
 * sum of the terms, each the kernel's float value widened to double; so a compiled sum is within
 * that bound of it, and within twice the bound of the interpreter's (which adds in element order).
 * A {@link ReduceOp#FLOAT_PARTIAL_SUM} may add float partials of at most
 * {@link ReduceOp#FLOAT_PARTIAL_TERMS} terms first, which adds gamma_f(FLOAT_PARTIAL_TERMS - 1) *
 * sum |t_i|, u = 2^-24, to that bound.
 */
class VectorLoopTest {
    private static final double U = 0x1p-53;
    private static final double U_FLOAT = 0x1p-24;
    private static final List<ReduceOp> SUMS = List.of(ReduceOp.SUM, ReduceOp.FLOAT_PARTIAL_SUM);

    /** Whether this JVM resolved jdk.incubator.vector, so that kernels with sums get vector loops. */
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** The autocorrelation probe's kernel with two lags, plus a store: {@code prev2 = g}. */
    private static Kernel lags() {
        return lags(ReduceOp.SUM);
    }

    /** {@link #lags()} with sums of {@code op}. */
    private static Kernel lags(ReduceOp op) {
        return Kernel.builder("lags_" + op)
                .reduce("r0", op, buffer("g").times(buffer("g")))
                .reduce("r1", op, buffer("g").times(buffer("prev1")))
                .reduce("r2", op, buffer("g").times(buffer("prev2")))
                .store("prev2", buffer("g"))
                .build();
    }

    /** The bound of the class description over terms of absolute sum {@code absolute}. */
    private static double bound(ReduceOp op, int n, double absolute) {
        return (gamma(n - 1, U) + (op == ReduceOp.FLOAT_PARTIAL_SUM ? gamma(ReduceOp.FLOAT_PARTIAL_TERMS - 1, U_FLOAT) : 0))
                * absolute;
    }

    /**
     * Lengths around the scalar loops' sum lanes and their partial totals, the shortest call that runs
     * the vector loop, a vector's lanes after it, blocks of staged kernels, and a length of mnist-mlp's size.
     */
    static Stream<Integer> awkwardLengths() {
        int lanes = VECTOR_API ? VectorLoopEmitter.lanes(KernelPlan.of(lags())) : 4;
        int fullLanes = VECTOR_API ? VectorLoopEmitter.lanes(KernelPlan.of(lags(ReduceOp.FLOAT_PARTIAL_SUM))) : 8;
        int chunk = fullLanes * ReduceOp.FLOAT_PARTIAL_TERMS;
        int min = VectorLoopEmitter.MIN_ELEMENTS;
        int sumLanes = SumLanes.LANES;
        return Stream.of(0, 1, 2, 3, 5, sumLanes - 1, sumLanes, sumLanes + 1, 2 * sumLanes + 3, min - 1, min, min + 1,
                min + lanes - 1, min + lanes, min + lanes + 1, min + fullLanes + 1, 4 * chunk - 1, 4 * chunk,
                4 * chunk + fullLanes + 3, 3 * KernelStages.BLOCK + 5, 100_003).distinct();
    }

    @Test
    void kernelsWithSumsGetVectorLoopsWhereTheVectorApiIsResolved() {
        assertEquals(VECTOR_API, VectorLoopEmitter.supports(KernelPlan.of(lags())));
        assertEquals(VECTOR_API, VectorLoopEmitter.supports(KernelPlan.of(lags(ReduceOp.FLOAT_PARTIAL_SUM))));
        if (VECTOR_API) {
            assertEquals(2 * VectorLoopEmitter.lanes(KernelPlan.of(lags())),
                    VectorLoopEmitter.lanes(KernelPlan.of(lags(ReduceOp.FLOAT_PARTIAL_SUM))), "whole float vectors");
        }
        Kernel withMax = Kernel.builder("with_max").sum("s", buffer("x")).reduce("m", ReduceOp.MAX, buffer("x")).build();
        Kernel withExp = Kernel.builder("with_exp").sum("s", buffer("x").apply(UnaryOp.EXP)).build();
        Kernel noSum = Kernel.builder("no_sum").store("y", buffer("x").times(constant(2))).build();
        for (Kernel k : List.of(withMax, withExp, noSum)) {
            assertFalse(VectorLoopEmitter.supports(KernelPlan.of(k)), k.name());
        }
        Expr chain = buffer("x");
        for (int i = 0; i < VectorLoopEmitter.MAX_OPERATIONS; i++) {
            chain = chain.times(buffer("y"));
        }
        assertFalse(VectorLoopEmitter.supports(KernelPlan.of(Kernel.builder("long").sum("s", chain).build())),
                "beyond the operations C2 inlines");
    }

    @ParameterizedTest
    @MethodSource("awkwardLengths")
    void sumsAreWithinTheRoundingBoundOfTheExactSumAndStoresMatchTheInterpreter(int n) {
        assertSumsWithinBound(ReduceOp.SUM, n);
    }

    @ParameterizedTest
    @MethodSource("awkwardLengths")
    void floatPartialSumsAreWithinTheirBoundAndStoresMatchTheInterpreter(int n) {
        assertSumsWithinBound(ReduceOp.FLOAT_PARTIAL_SUM, n);
    }

    /** The {@link #lags(ReduceOp)} kernel over {@code n} elements, compiled as one loop and in stages. */
    private static void assertSumsWithinBound(ReduceOp op, int n) {
        SplittableRandom random = new SplittableRandom(n);
        Map<String, float[]> buffers = new LinkedHashMap<>();
        for (String b : List.of("g", "prev1", "prev2")) {
            // Terms of both signs and of magnitudes 1e-3..1e3, so that the order of addition matters.
            buffers.put(b, randomArray(random, n));
        }
        Kernel k = lags(op);
        Map<String, float[]> original = copy(buffers);
        Map<String, float[]> interpreted = copy(buffers);
        Reductions want = KernelInterpreter.run(k, interpreted, Map.of());
        KernelPlan plan = KernelPlan.of(k);
        for (ElementLoop loop : List.of(KernelCompiler.loop(plan), KernelCompiler.loop(plan, KernelStages.of(plan)))) {
            Map<String, float[]> outputs = copy(original);
            Reductions got = run(loop, k, outputs, Map.of());
            float[] g = original.get("g");
            for (int r = 0; r <= 2; r++) {
                float[] other = r == 0 ? g : original.get("prev" + r);
                double[] terms = IntStream.range(0, n).mapToDouble(i -> (double) (g[i] * other[i])).toArray();
                double bound = bound(op, n, absoluteSum(terms));
                String what = "r" + r + " over " + n + " elements, " + loop.getClass();
                assertEquals(exactSum(terms), got.get(r), bound, what + " against the exact sum");
                assertEquals(want.get(r), got.get(r), 2 * bound, what + " against the interpreter");
            }
            assertBitIdentical(interpreted.get("prev2"), outputs.get("prev2"), "prev2");
        }
    }

    /** Every op of the vector loops, in a stored value and in a sum, on special values too. */
    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"NEG", "ABS", "SQRT", "SQUARE", "RECIPROCAL"})
    void unaryOpsInKernelsWithSumsMatchTheInterpreter(UnaryOp op) {
        for (ReduceOp sum : SUMS) {
            assertMatchesInterpreter(Kernel.builder("unary_" + op + "_" + sum).store("y", buffer("x").apply(op)),
                    sum, buffer("x").times(scalar("a")).plus(constant(0.25f)).apply(op));
        }
    }

    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV"})
    void binaryOpsInKernelsWithSumsMatchTheInterpreter(BinaryOp op) {
        for (ReduceOp sum : SUMS) {
            assertMatchesInterpreter(Kernel.builder("binary_" + op + "_" + sum)
                    .store("y", new Expr.Binary(op, buffer("x"), buffer("y")))
                    .store("x", new Expr.Binary(op, scalar("a"), buffer("x"))),
                    sum, new Expr.Binary(op, buffer("y"), constant(-1.5f)));
        }
    }

    /**
     * The kernel of {@code stores} and a reduction {@code sum} of {@code term}, with special values in
     * every position: stores bit for bit, sums equal with the specials, within the class description's
     * bound where finite, NaN where the interpreter's is.
     */
    private static void assertMatchesInterpreter(Kernel.Builder stores, ReduceOp sum, Expr term) {
        Kernel k = stores.reduce("s", sum, term).reduce("abs", sum, term.apply(UnaryOp.ABS)).build();
        float[] specials = {0f, -0f, 1f, -1f, 0.5f, -2.5f, 1e-30f, -1e-40f, Float.MIN_VALUE, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 3f};
        for (int n : new int[] {specials.length, VectorLoopEmitter.MIN_ELEMENTS + 7}) {
            SplittableRandom random = new SplittableRandom(n);
            Map<String, float[]> buffers = new LinkedHashMap<>();
            for (String b : k.buffers()) {
                float[] data = randomArray(random, n);
                for (int i = 0; i < n && i < specials.length; i++) {
                    data[i] = specials[(i + b.length()) % specials.length];
                }
                buffers.put(b, data);
            }
            boolean withSpecials = n == specials.length;
            Map<String, float[]> interpreted = copy(buffers);
            Map<String, Double> scalars = Map.of("a", 0.75);
            Reductions want = KernelInterpreter.run(k, interpreted, scalars);
            Reductions got = run(k, buffers, scalars);
            for (String b : k.buffers()) {
                assertBitIdentical(interpreted.get(b), buffers.get(b), k.name() + " " + b);
            }
            double tolerance = withSpecials || !Double.isFinite(want.get(0)) ? 0 : 2 * bound(sum, n, want.get(1));
            assertEquals(want.get(0), got.get(0), tolerance, k.name() + " over " + n);
        }
    }

    private static Reductions run(Kernel k, Map<String, float[]> buffers, Map<String, Double> scalars) {
        return run(KernelCompiler.loop(KernelPlan.of(k)), k, buffers, scalars);
    }

    private static Reductions run(ElementLoop loop, Kernel k, Map<String, float[]> buffers, Map<String, Double> scalars) {
        KernelPlan plan = KernelPlan.of(k);
        float[][] arrays = k.buffers().stream().map(buffers::get).toArray(float[][]::new);
        double[] values = k.scalars().stream().mapToDouble(scalars::get).toArray();
        double[] sums = new double[k.reductions().size()];
        int n = arrays[0].length;
        loop.run(arrays, plan.evaluateUniforms(values), sums, 0, n);
        return new Reductions(k.reductions(), sums);
    }

    private static float[] randomArray(SplittableRandom random, int n) {
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-3, 4)));
        }
        return data;
    }

    private static Map<String, float[]> copy(Map<String, float[]> buffers) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        buffers.forEach((name, data) -> copy.put(name, data.clone()));
        return copy;
    }

    private static double gamma(int k, double u) {
        return k * u / (1 - k * u);
    }

    private static double absoluteSum(double[] terms) {
        return exactSum(java.util.Arrays.stream(terms).map(Math::abs).toArray());
    }

    private static double exactSum(double[] terms) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double t : terms) {
            sum = sum.add(new BigDecimal(t));
        }
        return sum.doubleValue();
    }

    private static void assertBitIdentical(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + "[" + i + "]: interpreter " + expected[i] + ", compiled " + actual[i]);
            }
        }
        assertTrue(expected.length == actual.length, what);
    }
}
