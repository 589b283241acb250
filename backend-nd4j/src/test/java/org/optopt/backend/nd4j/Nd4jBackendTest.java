package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.bench.Incumbent;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;

class Nd4jBackendTest {
    private static Nd4jBackend backend;

    @BeforeAll
    static void create() {
        backend = (Nd4jBackend) new Nd4jBackendProvider().create(Map.of());
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    /** Naive triple loop in double: sum_p op(a)[i,p] * op(b)[p,j], then alpha * that + beta * c. */
    private static float[] naiveGemm(float alpha, float[] a, int aCols, boolean ta, float[] b, int bCols, boolean tb,
            float beta, float[] c, int m, int n, int k) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * aCols + i] : a[i * aCols + p];
                    double y = tb ? b[j * bCols + p] : b[p * bCols + j];
                    s += x * y;
                }
                out[i * n + j] = (float) (alpha * s + (beta == 0f ? 0 : beta * c[i * n + j]));
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1, false, false, 1, 0", "7, 5, 3, false, false, 1, 0", "7, 5, 3, true, false, 2, 0.5",
        "7, 5, 3, false, true, -1, 1", "7, 5, 3, true, true, 0.5, -2", "128, 10, 128, false, false, 1, 0",
        "33, 65, 17, true, true, 1, 0", "64, 1, 300, false, true, 1, 1"})
    void gemmMatchesTheNaiveProduct(int m, int n, int k, boolean ta, boolean tb, float alpha, float beta) {
        Shape sa = ta ? Shape.matrix(k, m) : Shape.matrix(m, k);
        Shape sb = tb ? Shape.matrix(n, k) : Shape.matrix(k, n);
        try (Tensor a = backend.randomNormal(sa, 0, 1, 1); Tensor b = backend.randomNormal(sb, 0, 1, 2);
                Tensor c = backend.randomNormal(Shape.matrix(m, n), 0, 1, 3)) {
            float[] want = naiveGemm(alpha, a.toArray(), sa.dim(1), ta, b.toArray(), sb.dim(1), tb, beta, c.toArray(),
                    m, n, k);
            backend.gemmInPlace(alpha, a, ta, b, tb, beta, c);
            float[] got = c.toArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-4 * (1 + Math.sqrt(k)), "element " + i);
            }
        }
    }

    @Test
    void gemmWithBetaZeroIgnoresNanInC() {
        try (Tensor a = backend.fromArray(new float[] {1, 2, 3, 4}, Shape.matrix(2, 2));
                Tensor b = backend.fromArray(new float[] {5, 6, 7, 8}, Shape.matrix(2, 2));
                Tensor c = backend.full(Shape.matrix(2, 2), Float.NaN)) {
            backend.gemmInPlace(1f, a, false, b, false, 0f, c);
            assertArrayEquals(new float[] {19, 22, 43, 50}, c.toArray());
        }
    }

    @Test
    void gemmWithEmptyInnerDimensionScalesC() {
        try (Tensor a = backend.zeros(Shape.matrix(2, 0)); Tensor b = backend.zeros(Shape.matrix(0, 3));
                Tensor c = backend.full(Shape.matrix(2, 3), 4f)) {
            backend.gemmInPlace(1f, a, false, b, false, 0.5f, c);
            assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, c.toArray());
            backend.gemmInPlace(1f, a, false, b, false, 0f, c);
            assertArrayEquals(new float[6], c.toArray());
        }
        try (Tensor a = backend.zeros(Shape.matrix(0, 4)); Tensor b = backend.zeros(Shape.matrix(4, 3));
                Tensor c = backend.zeros(Shape.matrix(0, 3))) {
            backend.gemmInPlace(1f, a, false, b, false, 0f, c);
            assertEquals(0, c.size());
        }
    }

    @Test
    void gemmIntoAnOperandsMemoryUsesTheOldOperand() {
        try (Tensor a = backend.fromArray(new float[] {1, 2, 3, 4}, Shape.matrix(2, 2));
                Tensor b = backend.fromArray(new float[] {0, 1, 1, 0}, Shape.matrix(2, 2));
                Tensor view = backend.reshape(a, Shape.matrix(2, 2))) {
            backend.gemmInPlace(1f, a, false, b, false, 0f, view);
            assertArrayEquals(new float[] {2, 1, 4, 3}, a.toArray());
        }
    }

    @Test
    void gemmRejectsNonConformingShapes() {
        try (Tensor a = backend.zeros(Shape.matrix(2, 3)); Tensor b = backend.zeros(Shape.matrix(2, 3));
                Tensor c = backend.zeros(Shape.matrix(2, 3))) {
            var e = assertThrows(IllegalArgumentException.class, () -> backend.gemmInPlace(1f, a, false, b, false, 0f, c));
            assertTrue(e.getMessage().contains("do not conform"), e.getMessage());
        }
    }

    @Test
    void compiledAdamMatchesTheInterpreterThroughKernelArgs() {
        Kernel adam = KernelCompilerTest.adam();
        CompiledKernel compiled = backend.compile(adam);
        int n = 1003;
        try (Tensor p = backend.randomNormal(Shape.vector(n), 0, 1, 1);
                Tensor g = backend.randomNormal(Shape.vector(n), 0, 1, 2);
                Tensor m = backend.zeros(Shape.vector(n)); Tensor v = backend.zeros(Shape.vector(n))) {
            Map<String, float[]> expected = new java.util.HashMap<>(Map.of("p", p.toArray(), "g", g.toArray(),
                    "m", m.toArray(), "v", v.toArray()));
            KernelArgs args = compiled.args().buffer("p", p).buffer("g", g).buffer("m", m).buffer("v", v);
            for (int t = 1; t <= 3; t++) {
                for (var s : KernelCompilerTest.adamScalars(t).entrySet()) {
                    args.scalar(s.getKey(), s.getValue());
                }
                compiled.run(args);
                KernelInterpreter.run(adam, expected, KernelCompilerTest.adamScalars(t));
            }
            assertArrayEquals(expected.get("p"), p.toArray());
            assertArrayEquals(expected.get("m"), m.toArray());
            assertArrayEquals(expected.get("v"), v.toArray());
        }
    }

    @Test
    void compiledKernelReturnsReductionsAndValidatesArguments() {
        Kernel k = Kernel.builder("stats")
                .reduce("sum", ReduceOp.SUM, Expr.buffer("x").times(Expr.scalar("s")))
                .reduce("max", ReduceOp.MAX, Expr.buffer("x"))
                .reduce("min", ReduceOp.MIN, Expr.buffer("x"))
                .build();
        CompiledKernel c = backend.compile(k);
        try (Tensor x = backend.fromArray(new float[] {3, -1, 4, 1, -5}, Shape.vector(5));
                Tensor empty = backend.zeros(Shape.vector(0))) {
            Reductions r = c.run(c.args().buffer("x", x).scalar("s", 2));
            assertEquals(4.0, r.get("sum"));
            assertEquals(4.0, r.get("max"));
            assertEquals(-5.0, r.get("min"));
            Reductions none = c.run(c.args().buffer("x", empty).scalar("s", 2));
            assertEquals(0.0, none.get("sum"));
            assertEquals(Double.NEGATIVE_INFINITY, none.get("max"));
            assertEquals(Double.POSITIVE_INFINITY, none.get("min"));
            var unbound = assertThrows(IllegalArgumentException.class, () -> c.run(c.args().buffer("x", x)));
            assertTrue(unbound.getMessage().contains("scalar 's' is not bound"), unbound.getMessage());
            Tensor foreign = new ReferenceBackend().zeros(Shape.vector(5));
            var wrongOwner = assertThrows(IllegalArgumentException.class,
                    () -> c.run(c.args().buffer("x", foreign).scalar("s", 1)));
            assertTrue(wrongOwner.getMessage().contains("not created by this backend"), wrongOwner.getMessage());
        }
        Tensor closed = backend.zeros(Shape.vector(5));
        closed.close();
        assertThrows(IllegalStateException.class, () -> c.run(c.args().buffer("x", closed).scalar("s", 1)));
    }

    /** Special values in every operand position, then normal noise; 1003 elements (odd). */
    private static float[] operand(long seed) {
        float[] specials = {0f, -0f, 1f, -1f, 0.5f, 2f, -3f, 1e-30f, 1e30f, Float.MIN_VALUE, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[1003];
        for (int i = 0; i < d.length; i++) {
            d[i] = i < specials.length * specials.length
                    ? specials[(seed == 1 ? i : i / specials.length) % specials.length]
                    : (float) (3 * r.nextGaussian());
        }
        return d;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + "[" + i + "]: reference " + want[i] + ", nd4j " + got[i]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void mapEqualsTheReferenceBitForBit(UnaryOp op) {
        ReferenceBackend ref = new ReferenceBackend();
        try (Tensor x = backend.fromArray(operand(1), Shape.vector(1003)); Tensor y = backend.map(op, x);
                Tensor rx = ref.fromArray(operand(1), Shape.vector(1003)); Tensor ry = ref.map(op, rx)) {
            assertSameBits(ry.toArray(), y.toArray(), "map " + op);
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void zipEqualsTheReferenceBitForBit(BinaryOp op) {
        ReferenceBackend ref = new ReferenceBackend();
        Shape s = Shape.vector(1003);
        try (Tensor a = backend.fromArray(operand(1), s); Tensor b = backend.fromArray(operand(2), s);
                Tensor ra = ref.fromArray(operand(1), s); Tensor rb = ref.fromArray(operand(2), s);
                Tensor z = backend.zip(op, a, b); Tensor rz = ref.zip(op, ra, rb);
                Tensor zs = backend.zip(op, a, -1.5f); Tensor rzs = ref.zip(op, ra, -1.5f);
                Tensor row = backend.fromArray(new float[] {2f, -0f, Float.NaN}, Shape.vector(3));
                Tensor rrow = ref.fromArray(new float[] {2f, -0f, Float.NaN}, Shape.vector(3));
                Tensor m = backend.reshape(backend.fromArray(Arrays.copyOf(operand(3), 12), Shape.vector(12)), Shape.matrix(4, 3));
                Tensor rm = ref.reshape(ref.fromArray(Arrays.copyOf(operand(3), 12), Shape.vector(12)), Shape.matrix(4, 3));
                Tensor bc = backend.zip(op, m, row); Tensor rbc = ref.zip(op, rm, rrow)) {
            assertSameBits(rz.toArray(), z.toArray(), "zip " + op);
            assertSameBits(rzs.toArray(), zs.toArray(), "zip with scalar " + op);
            assertEquals(rbc.shape(), bc.shape());
            assertSameBits(rbc.toArray(), bc.toArray(), "broadcast zip " + op);
        }
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void fullReductionsAndDotMatchADoubleReference(ReduceOp op) {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : new int[] {0, 1, 3, 4, 5, 1003}) {
            float[] x = new float[n];
            float[] y = new float[n];
            double sum = 0;
            double dot = 0;
            double want = op.identity();
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextGaussian();
                y[i] = (float) r.nextGaussian();
                sum += x[i];
                dot += (double) x[i] * y[i];
                want = op.combine(want, x[i]);
            }
            try (Tensor tx = backend.fromArray(x, Shape.vector(n)); Tensor ty = backend.fromArray(y, Shape.vector(n))) {
                assertEquals(op == ReduceOp.SUM ? sum : want, backend.reduce(op, tx),
                        1e-12 * (1 + Math.abs(sum)), op + " of " + n);
                assertEquals(dot, backend.dot(tx, ty), 1e-12 * n, "dot of " + n);
                assertEquals(Math.sqrt(backend.dot(tx, tx)), backend.norm2(tx), 0.0);
            }
        }
        try (Tensor nan = backend.fromArray(new float[] {1, Float.NaN, 2, 3, 4}, Shape.vector(5))) {
            assertTrue(Double.isNaN(backend.reduce(op, nan)), op + " with a NaN");
        }
    }

    @Test
    void adamIncumbentRunsNd4jsNativeOpAndMovesItsParameters() {
        Nd4jIncumbentProvider peers = new Nd4jIncumbentProvider();
        assertEquals(Nd4jBackendProvider.NAME, peers.backend());
        try (Incumbent incumbent = peers.incumbent("adam", 1001, backend.kernelThreads()).orElseThrow()) {
            assertEquals("ND4J AdamUpdater (native op)", incumbent.description());
            Nd4jAdamIncumbent adam = (Nd4jAdamIncumbent) incumbent;
            float[] before = adam.params();
            incumbent.step();
            float[] after = adam.params();
            // The first Adam step moves every parameter by lr * g/|g| (up to eps): exactly lr in size.
            for (int i = 0; i < before.length; i++) {
                assertEquals(Nd4jAdamIncumbent.LEARNING_RATE, Math.abs(after[i] - before[i]), 2e-6, "param " + i);
            }
            incumbent.step();
            assertFalse(Arrays.equals(after, adam.params()));
        }
        assertTrue(peers.incumbent("lion", 10, 1).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> peers.incumbent("adam", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> peers.incumbent("adam", 10, 0));
    }
}
