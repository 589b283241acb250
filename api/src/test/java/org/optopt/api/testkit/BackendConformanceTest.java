package org.optopt.api.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.optopt.api.kernel.Expr.buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.ImageTiles;
import org.optopt.api.backend.ImageWindow;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.backend.support.InterpretedKernel;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.kernel.KernelMath;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ConformanceKernels.DerivativeCase;
import org.optopt.api.testkit.ConformanceKernels.KernelCase;
import org.optopt.api.testkit.TestData.Domain;

/**
 * The backend conformance kit: every {@link Backend} primitive and compiled kernel against plain
 * double-precision references and the reference {@link KernelInterpreter}.
 *
 * <p>A backend module subclasses this class in its own test tree and implements
 * {@link #createBackend()}; the backend is created once per test class and closed after the last
 * test. Tensors a test allocates through {@link #track(Tensor)} are closed after each test.
 *
 * <p>What is checked, beyond each primitive's Javadoc: elementwise results ({@code map},
 * {@code zip}, kernel stores) equal {@link KernelMath} bit for bit, including NaN, infinities and
 * signed zeros; reductions match a double-precision reference to a relative 1e-9; gemm matches a
 * naive double product to a relative 1e-5 of {@code sum |a*b|}; random tensors equal those of
 * {@link ReferenceBackend} for the same seed; a tensor of another backend instance is rejected
 * with an {@link IllegalArgumentException}, a closed tensor with an {@link IllegalStateException},
 * a row index out of range with an {@link IndexOutOfBoundsException} (before anything is written);
 * a compiled kernel is thread-safe and compiled by content, not by name.
 *
 * <p>For a backend whose {@code compile} returns the reference interpreter itself
 * ({@link InterpretedKernel}, as {@link org.optopt.api.backend.support.HeapBackend} does unless
 * overridden, and {@link ReferenceBackend}), {@code compiledKernelEqualsTheInterpreter} would compare
 * the interpreter with itself: it is skipped, saying so. The other kernel tests still check what such a
 * backend adds, binding tensors and scalars by name, shapes and reuse.
 *
 * <p>Example, in a backend's test tree:
 * <pre>{@code
 * class Nd4jBackendConformanceTest extends BackendConformanceTest {
 *     @Override
 *     protected Backend createBackend() {
 *         return new Nd4jBackendProvider().create(Map.of());
 *     }
 * }
 * }</pre>
 * The kernels checked are listed in {@link ConformanceKernels}; the input data comes from
 * {@link TestData}. Test methods are public so that a subclass may override one (e.g. to add
 * {@code @Disabled("reason")} while a feature is missing), which should stay the exception.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
    /** Odd vector lengths that defeat vector-width and block-size assumptions, and 0. */
    protected static final int[] SIZES = {0, 1, 7, 33, 1003};
    /** Kernel sizes: empty, one, odd, above a typical block, above 2^16. */
    protected static final int[] KERNEL_SIZES = {0, 1, 7, 1003, 65537};

    private Backend backend;
    private final List<Tensor> tracked = new ArrayList<>();

    /** Creates the backend under test (called once per test class). */
    protected abstract Backend createBackend();

    /** Creates the backend. */
    @BeforeAll
    public final void openBackend() {
        backend = createBackend();
    }

    /** Closes the backend. */
    @AfterAll
    public final void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** Closes every tensor tracked during the test. */
    @AfterEach
    public final void closeTracked() {
        for (Tensor t : tracked) {
            t.close();
        }
        tracked.clear();
    }

    /** The backend under test. */
    protected final Backend backend() {
        return backend;
    }

    /** Registers {@code t} to be closed after the current test, and returns it. */
    protected final Tensor track(Tensor t) {
        tracked.add(t);
        return t;
    }

    private Tensor tensor(float[] data, Shape shape) {
        return track(backend.fromArray(data, shape));
    }

    // ---- creation and host copies ---------------------------------------------------------

    static Stream<Shape> shapes() {
        return Stream.of(Shape.scalar(), Shape.vector(0), Shape.vector(1), Shape.vector(7), Shape.vector(33),
                Shape.vector(1003), Shape.matrix(3, 0), Shape.matrix(7, 33), Shape.of(2, 3, 5));
    }

    @ParameterizedTest
    @MethodSource("org.optopt.api.testkit.BackendConformanceTest#shapes")
    public void createsAndCopiesTensors(Shape shape) {
        int n = shape.size();
        Tensor z = track(backend.zeros(shape));
        assertEquals(shape, z.shape());
        assertEquals(n, z.size());
        assertArrayEquals(new float[n], z.toArray());

        float[] sevens = new float[n];
        Arrays.fill(sevens, -7.25f);
        assertArrayEquals(sevens, track(backend.full(shape, -7.25f)).toArray());

        float[] data = TestData.normal(n, 11);
        Tensor t = tensor(data, shape);
        assertEquals(shape, t.shape());
        assertBitsEqual(data, t.toArray(), "fromArray");

        Tensor c = track(backend.copy(t));
        assertEquals(shape, c.shape());
        assertBitsEqual(data, c.toArray(), "copy");

        float[] other = TestData.normal(n, 12);
        z.copyFrom(other);
        assertBitsEqual(other, z.toArray(), "copyFrom");
        assertBitsEqual(data, c.toArray(), "a copy is independent of writes to other tensors");
        if (n == 1) {
            assertEquals(data[0], t.item());
        } else {
            assertThrows(IllegalStateException.class, t::item);
        }
    }

    @Test
    public void hostArraysAreCopiedNotShared() {
        float[] data = {1, 2, 3};
        Tensor t = tensor(data, Shape.vector(3));
        data[0] = 99;
        assertArrayEquals(new float[] {1, 2, 3}, t.toArray(), "fromArray must copy its argument");
        float[] out = t.toArray();
        out[1] = 99;
        assertArrayEquals(new float[] {1, 2, 3}, t.toArray(), "toArray must return a copy");
        Tensor c = track(backend.copy(t));
        t.copyFrom(new float[] {4, 5, 6});
        assertArrayEquals(new float[] {1, 2, 3}, c.toArray(), "copy must not share memory");
    }

    @Test
    public void rejectsHostArraysOfTheWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> track(backend.fromArray(new float[5], Shape.matrix(2, 3))));
        assertMessageContains(e, "[2, 3]");
        Tensor t = track(backend.zeros(Shape.vector(4)));
        assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[3]));
    }

    @Test
    public void reshapeIsAViewSharingMemory() {
        Tensor x = tensor(TestData.normal(6, 3), Shape.matrix(2, 3));
        Tensor v = track(backend.reshape(x, Shape.of(3, 1, 2)));
        assertEquals(Shape.of(3, 1, 2), v.shape());
        assertBitsEqual(x.toArray(), v.toArray(), "reshape keeps row-major order");
        v.copyFrom(new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, x.toArray(), "a write through the view shows in x");
        backend.fillInPlace(x, 2f);
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, v.toArray(), "a write to x shows in the view");
        v.close();
        assertFalse(x.isClosed(), "closing a view must not close its source");
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, x.toArray());

        Tensor one = tensor(new float[] {4.5f}, Shape.vector(1));
        Tensor s = track(backend.reshape(one, Shape.scalar()));
        assertEquals(4.5f, s.item());
        Tensor empty = track(backend.reshape(track(backend.zeros(Shape.matrix(0, 4))), Shape.of(2, 0)));
        assertEquals(0, empty.size());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> track(backend.reshape(x, Shape.vector(5))));
        assertMessageContains(e, "[2, 3]", "[5]");
    }

    // ---- random ----------------------------------------------------------------------------

    @Test
    public void randomNormalIsReproducibleAndMatchesTheReference() {
        Shape shape = Shape.vector(100_003);
        float[] a = track(backend.randomNormal(shape, 1.5, 2.0, 42)).toArray();
        float[] b = track(backend.randomNormal(shape, 1.5, 2.0, 42)).toArray();
        assertBitsEqual(a, b, "same seed");
        assertFalse(Arrays.equals(a, track(backend.randomNormal(shape, 1.5, 2.0, 43)).toArray()),
                "another seed must give other values");
        try (ReferenceBackend ref = new ReferenceBackend(); Tensor r = ref.randomNormal(shape, 1.5, 2.0, 42)) {
            assertBitsEqual(r.toArray(), a, "every backend draws the reference's values for a seed");
        }
        double[] ms = meanAndStd(a);
        double tol = 5 * 2.0 / Math.sqrt(a.length);
        assertEquals(1.5, ms[0], tol, "mean");
        assertEquals(2.0, ms[1], 0.02, "standard deviation");
        assertEquals(Shape.scalar(), track(backend.randomNormal(Shape.scalar(), 0, 1, 1)).shape());
        assertEquals(0, track(backend.randomNormal(Shape.matrix(0, 3), 0, 1, 1)).size());
    }

    @Test
    public void randomUniformIsReproducibleAndStaysInItsHalfOpenInterval() {
        Shape shape = Shape.matrix(317, 331);
        float[] a = track(backend.randomUniform(shape, -3, 5, 7)).toArray();
        assertBitsEqual(a, track(backend.randomUniform(shape, -3, 5, 7)).toArray(), "same seed");
        try (ReferenceBackend ref = new ReferenceBackend(); Tensor r = ref.randomUniform(shape, -3, 5, 7)) {
            assertBitsEqual(r.toArray(), a, "every backend draws the reference's values for a seed");
        }
        for (float v : a) {
            assertTrue(v >= -3 && v < 5, "sample " + v + " outside [-3, 5)");
        }
        double[] ms = meanAndStd(a);
        assertEquals(1.0, ms[0], 5 * 8 / Math.sqrt(12 * a.length), "mean");
        assertEquals(8 / Math.sqrt(12), ms[1], 0.02, "standard deviation");

        // An interval narrower than a float ulp: samples that round up to `high` must not be returned.
        float[] narrow = track(backend.randomUniform(Shape.vector(1000), 1.0, 1.0000001, 3)).toArray();
        for (float v : narrow) {
            assertTrue(v >= 1.0 && v < 1.0000001, "sample " + v + " outside [1, 1.0000001)");
        }
        assertThrows(IllegalArgumentException.class, () -> track(backend.randomUniform(shape, 2, 2, 1)));
        assertThrows(IllegalArgumentException.class, () -> track(backend.randomNormal(shape, Double.NaN, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> track(backend.randomNormal(shape, 0, -1, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> track(backend.randomUniform(shape, 0, Double.POSITIVE_INFINITY, 1)));
    }

    private static double[] meanAndStd(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        double mean = s / a.length;
        double q = 0;
        for (float v : a) {
            q += (v - mean) * (v - mean);
        }
        return new double[] {mean, Math.sqrt(q / (a.length - 1))};
    }

    // ---- elementwise -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    public void mapEqualsKernelMathBitForBit(UnaryOp op) {
        for (Shape shape : List.of(Shape.scalar(), Shape.vector(0), Shape.vector(7), Shape.vector(1003),
                Shape.of(3, 5, 7))) {
            float[] x = TestData.of(Domain.SPECIAL, shape.size(), 5, 0);
            Tensor out = track(backend.map(op, tensor(x, shape)));
            assertEquals(shape, out.shape());
            float[] expected = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = KernelMath.apply(op, x[i]);
            }
            assertBitsEqual(expected, out.toArray(), op + " on " + shape, x);
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    public void zipEqualsKernelMathBitForBit(BinaryOp op) {
        for (Shape shape : List.of(Shape.scalar(), Shape.vector(0), Shape.vector(7), Shape.vector(1003),
                Shape.of(3, 5, 7))) {
            float[] x = TestData.of(Domain.SPECIAL, shape.size(), 5, 0);
            float[] y = TestData.of(Domain.SPECIAL, shape.size(), 6, 1);
            Tensor out = track(backend.zip(op, tensor(x, shape), tensor(y, shape)));
            assertEquals(shape, out.shape());
            float[] expected = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = KernelMath.apply(op, x[i], y[i]);
            }
            assertBitsEqual(expected, out.toArray(), op + " on " + shape, x, y);
            for (float s : new float[] {0f, -0f, 2.5f, Float.NaN, Float.NEGATIVE_INFINITY}) {
                Tensor outS = track(backend.zip(op, tensor(x, shape), s));
                for (int i = 0; i < x.length; i++) {
                    expected[i] = KernelMath.apply(op, x[i], s);
                }
                assertBitsEqual(expected, outS.toArray(), op + " with scalar " + s + " on " + shape, x);
            }
        }
    }

    static Stream<Arguments> broadcastPairs() {
        return Stream.of(
                Arguments.of(Shape.matrix(3, 4), Shape.vector(4), Shape.matrix(3, 4)),
                Arguments.of(Shape.vector(4), Shape.matrix(3, 4), Shape.matrix(3, 4)),
                Arguments.of(Shape.matrix(3, 4), Shape.matrix(3, 1), Shape.matrix(3, 4)),
                Arguments.of(Shape.matrix(1, 4), Shape.matrix(3, 1), Shape.matrix(3, 4)),
                Arguments.of(Shape.matrix(7, 33), Shape.scalar(), Shape.matrix(7, 33)),
                Arguments.of(Shape.scalar(), Shape.vector(5), Shape.vector(5)),
                Arguments.of(Shape.of(2, 1, 5), Shape.matrix(3, 1), Shape.of(2, 3, 5)),
                Arguments.of(Shape.of(2, 3, 5), Shape.of(1, 3, 1), Shape.of(2, 3, 5)),
                Arguments.of(Shape.matrix(0, 4), Shape.vector(4), Shape.matrix(0, 4)),
                Arguments.of(Shape.matrix(3, 1), Shape.vector(0), Shape.matrix(3, 0)));
    }

    @ParameterizedTest
    @MethodSource("org.optopt.api.testkit.BackendConformanceTest#broadcastPairs")
    public void zipBroadcastsLikeNumPy(Shape a, Shape b, Shape result) {
        float[] x = TestData.normal(a.size(), 1);
        float[] y = TestData.normal(b.size(), 2);
        for (BinaryOp op : List.of(BinaryOp.SUB, BinaryOp.DIV, BinaryOp.MAX)) {
            Tensor out = track(backend.zip(op, tensor(x, a), tensor(y, b)));
            assertEquals(result, out.shape(), a + " " + op + " " + b);
            int[] dims = result.dims();
            float[] expected = new float[result.size()];
            int[] index = new int[dims.length];
            for (int i = 0; i < expected.length; i++) {
                int rest = i;
                for (int k = dims.length - 1; k >= 0; k--) {
                    index[k] = rest % dims[k];
                    rest /= dims[k];
                }
                expected[i] = KernelMath.apply(op, x[broadcastIndex(a, index)], y[broadcastIndex(b, index)]);
            }
            assertBitsEqual(expected, out.toArray(), a + " " + op + " " + b);
        }
    }

    /** Flat index into an operand of shape {@code s} for a multi-index of the (higher-rank) result. */
    private static int broadcastIndex(Shape s, int[] resultIndex) {
        int offset = resultIndex.length - s.rank();
        int flat = 0;
        for (int k = 0; k < s.rank(); k++) {
            int d = s.dim(k);
            flat = flat * d + (d == 1 ? 0 : resultIndex[offset + k]);
        }
        return flat;
    }

    @Test
    public void zipRejectsShapesThatDoNotBroadcast() {
        for (Shape[] pair : new Shape[][] {
            {Shape.matrix(3, 4), Shape.vector(3)},
            {Shape.matrix(3, 4), Shape.matrix(4, 3)},
            {Shape.vector(0), Shape.vector(2)},
            {Shape.of(2, 3, 4), Shape.matrix(2, 4)}}) {
            Tensor a = track(backend.zeros(pair[0]));
            Tensor b = track(backend.zeros(pair[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> track(backend.zip(BinaryOp.ADD, a, b)));
            assertMessageContains(e, pair[0].toString(), pair[1].toString());
        }
    }

    @Test
    public void axpyFillAndCopyInPlace() {
        for (int n : SIZES) {
            float[] x = TestData.normal(n, 21);
            float[] y = TestData.normal(n, 22);
            Tensor tx = tensor(x, Shape.vector(n));
            Tensor ty = tensor(y, Shape.vector(n));
            backend.axpyInPlace(-0.75f, tx, ty);
            float[] out = ty.toArray();
            for (int i = 0; i < n; i++) {
                double exact = y[i] - 0.75 * x[i];
                double bound = 1.2e-7 * (Math.abs(y[i]) + Math.abs(0.75 * x[i]));
                assertEquals(exact, out[i], bound, "axpy element " + i + " of " + n);
            }
            assertBitsEqual(x, tx.toArray(), "axpy must not modify x");
            backend.fillInPlace(ty, 3.5f);
            float[] filled = new float[n];
            Arrays.fill(filled, 3.5f);
            assertBitsEqual(filled, ty.toArray(), "fill");
            backend.copyInPlace(tx, ty);
            assertBitsEqual(x, ty.toArray(), "copyInPlace");
        }
        Tensor s = tensor(new float[] {2}, Shape.scalar());
        Tensor t = tensor(new float[] {1}, Shape.scalar());
        backend.axpyInPlace(3f, s, t);
        assertEquals(7f, t.item());

        Tensor a = track(backend.zeros(Shape.matrix(2, 3)));
        Tensor b = track(backend.zeros(Shape.matrix(3, 2)));
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> backend.axpyInPlace(1f, a, b)),
                "[2, 3]", "[3, 2]");
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> backend.copyInPlace(a, b)),
                "[2, 3]", "[3, 2]");
    }

    // ---- reductions ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    public void reduceAllAccumulatesInDouble(ReduceOp op) {
        for (Shape shape : List.of(Shape.scalar(), Shape.vector(0), Shape.vector(1), Shape.vector(7),
                Shape.vector(1003), Shape.vector(65537), Shape.matrix(33, 0), Shape.of(3, 5, 7))) {
            float[] x = TestData.normal(shape.size(), 31);
            double expected = op.identity();
            double absolute = 0;
            for (float v : x) {
                expected = op.combine(expected, v);
                absolute += Math.abs(v);
            }
            double got = backend.reduce(op, tensor(x, shape));
            if (op == ReduceOp.FLOAT_PARTIAL_SUM) {
                assertEquals(expected, got, floatPartialBound(x.length, absolute), op + " over " + shape);
            } else {
                assertReductionEquals(expected, got, op + " over " + shape);
            }
        }
        // 2^24 + 1 is not a float: a float accumulator gives 2^24, a double one 2^24 + 1.
        float[] big = new float[3];
        big[0] = 1 << 24;
        big[1] = 1;
        if (op == ReduceOp.SUM) {
            assertEquals((1 << 24) + 1, backend.reduce(op, tensor(big, Shape.vector(3))), "sum in double");
            assertEquals((1 << 24) + 1, backend.sum(tensor(big, Shape.vector(3))));
        } else {
            big[2] = Float.NaN;
            assertTrue(Double.isNaN(backend.reduce(op, tensor(big, Shape.vector(3)))), op + " with a NaN is NaN");
        }
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    public void reduceAlongAnAxisRemovesIt(ReduceOp op) {
        for (Shape shape : List.of(Shape.vector(7), Shape.matrix(7, 33), Shape.of(4, 7, 33), Shape.matrix(5, 0),
                Shape.matrix(0, 5), Shape.of(3, 1, 2))) {
            float[] x = TestData.normal(shape.size(), 41);
            Tensor t = tensor(x, shape);
            for (int axis = -shape.rank(); axis < shape.rank(); axis++) {
                int ax = axis < 0 ? axis + shape.rank() : axis;
                int[] dims = shape.dims();
                int[] outDims = new int[dims.length - 1];
                for (int k = 0, j = 0; k < dims.length; k++) {
                    if (k != ax) {
                        outDims[j++] = dims[k];
                    }
                }
                Tensor out = track(backend.reduce(op, t, axis));
                assertEquals(Shape.of(outDims), out.shape(), op + " of " + shape + " along " + axis);
                float[] got = out.toArray();
                int outer = 1;
                for (int k = 0; k < ax; k++) {
                    outer *= dims[k];
                }
                int inner = 1;
                for (int k = ax + 1; k < dims.length; k++) {
                    inner *= dims[k];
                }
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        double acc = op.identity();
                        double magnitude = 0;
                        for (int l = 0; l < dims[ax]; l++) {
                            float v = x[(o * dims[ax] + l) * inner + i];
                            acc = op.combine(acc, v);
                            magnitude += Math.abs(v);
                        }
                        float g = got[o * inner + i];
                        String what = op + " of " + shape + " along " + axis + " at " + (o * inner + i);
                        if (op == ReduceOp.SUM) {
                            assertEquals(acc, g, 1e-6 * magnitude + 1e-30, what);
                        } else {
                            assertEquals((float) acc, g, what);
                        }
                    }
                }
            }
        }
        Tensor m = track(backend.zeros(Shape.matrix(2, 3)));
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> track(backend.reduce(op, m, 2))),
                "2", "[2, 3]");
        assertThrows(IllegalArgumentException.class, () -> track(backend.reduce(op, m, -3)));
        Tensor s = track(backend.zeros(Shape.scalar()));
        assertThrows(IllegalArgumentException.class, () -> track(backend.reduce(op, s, 0)));
    }

    @Test
    public void dotAndNormAccumulateInDouble() {
        for (int n : new int[] {0, 1, 7, 33, 1003, 65537}) {
            float[] a = TestData.normal(n, 51);
            float[] b = TestData.normal(n, 52);
            double dot = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                dot += (double) a[i] * b[i];
                sq += (double) a[i] * a[i];
            }
            Tensor ta = tensor(a, Shape.vector(n));
            assertReductionEquals(dot, backend.dot(ta, tensor(b, Shape.vector(n))), "dot of " + n);
            assertReductionEquals(Math.sqrt(sq), backend.norm2(ta), "norm of " + n);
        }
        Tensor m = tensor(new float[] {1, 2, 3, 4, 5, 6}, Shape.matrix(2, 3));
        assertEquals(91.0, backend.dot(m, m));
        assertEquals(12.0, backend.dot(tensor(new float[] {3}, Shape.scalar()), tensor(new float[] {4}, Shape.scalar())));
        Tensor v = track(backend.zeros(Shape.vector(6)));
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> backend.dot(m, v)), "[2, 3]", "[6]");
    }

    @Test
    public void argmaxPerRowOfTheLastAxisWithTiesToTheFirst() {
        assertArrayEquals(new int[] {0}, backend.argmax(tensor(new float[] {-3}, Shape.scalar())));
        assertArrayEquals(new int[] {2}, backend.argmax(tensor(new float[] {1, -2, 5, 5, 0}, Shape.vector(5))));
        assertArrayEquals(new int[] {1, 0, 2}, backend.argmax(tensor(
                new float[] {0, 9, 1, 7, 7, 7, -5, -4, -3}, Shape.matrix(3, 3))));
        assertArrayEquals(new int[0], backend.argmax(track(backend.zeros(Shape.matrix(0, 4)))));
        for (int cols : new int[] {1, 7, 33, 1003}) {
            int rows = 5;
            float[] x = TestData.normal(rows * cols, cols);
            int[] expected = new int[rows * 2];
            float[] x3 = new float[x.length * 2];
            System.arraycopy(x, 0, x3, 0, x.length);
            System.arraycopy(x, 0, x3, x.length, x.length);
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int j = 1; j < cols; j++) {
                    if (x[r * cols + j] > x[r * cols + best]) {
                        best = j;
                    }
                }
                expected[r] = best;
                expected[r + rows] = best;
            }
            assertArrayEquals(Arrays.copyOf(expected, rows), backend.argmax(tensor(x, Shape.matrix(rows, cols))));
            assertArrayEquals(expected, backend.argmax(tensor(x3, Shape.of(2, rows, cols))));
        }
        Tensor empty = track(backend.zeros(Shape.matrix(3, 0)));
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> backend.argmax(empty)), "[3, 0]");
    }

    // ---- linear algebra --------------------------------------------------------------------

    static Stream<Arguments> gemmCases() {
        List<Arguments> out = new ArrayList<>();
        int[][] mnk = {{1, 1, 1}, {7, 33, 5}, {33, 7, 64}, {65, 130, 33}, {0, 5, 3}, {4, 0, 3}, {4, 5, 0}};
        for (int[] d : mnk) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    out.add(Arguments.of(d[0], d[1], d[2], ta, tb));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transposeA={3} transposeB={4}")
    @MethodSource("org.optopt.api.testkit.BackendConformanceTest#gemmCases")
    public void gemmMatchesANaiveDoubleProduct(int m, int n, int k, boolean transposeA, boolean transposeB) {
        float[] a = TestData.normal(m * k, 61);
        float[] b = TestData.normal(k * n, 62);
        float[] c0 = TestData.normal(m * n, 63);
        Tensor ta = tensor(a, transposeA ? Shape.matrix(k, m) : Shape.matrix(m, k));
        Tensor tb = tensor(b, transposeB ? Shape.matrix(n, k) : Shape.matrix(k, n));
        float[][] alphaBeta = {{1f, 0f}, {1.5f, -0.5f}, {-2f, 1f}, {0f, 2f}};
        for (float[] ab : alphaBeta) {
            Tensor c = tensor(c0, Shape.matrix(m, n));
            backend.gemmInPlace(ab[0], ta, transposeA, tb, transposeB, ab[1], c);
            assertGemm(a, transposeA, b, transposeB, m, n, k, ab[0], ab[1], c0, c.toArray(),
                    "alpha=" + ab[0] + " beta=" + ab[1]);
        }
        float[] nan = new float[m * n];
        Arrays.fill(nan, Float.NaN);
        Tensor c = tensor(nan, Shape.matrix(m, n));
        backend.gemmInPlace(1f, ta, transposeA, tb, transposeB, 0f, c);
        assertGemm(a, transposeA, b, transposeB, m, n, k, 1f, 0f, nan, c.toArray(), "beta=0 ignores NaN in C");
        Tensor p = track(backend.matmul(ta, transposeA, tb, transposeB));
        assertEquals(Shape.matrix(m, n), p.shape());
        assertGemm(a, transposeA, b, transposeB, m, n, k, 1f, 0f, new float[m * n], p.toArray(), "matmul");
    }

    private static void assertGemm(float[] a, boolean ta, float[] b, boolean tb, int m, int n, int k, float alpha,
            float beta, float[] c0, float[] got, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                    magnitude += Math.abs(av * bv);
                }
                double old = beta == 0 ? 0 : (double) beta * c0[i * n + j];
                double expected = alpha * sum + old;
                double tol = 1e-5 * (Math.abs(alpha) * magnitude + Math.abs(old)) + 1e-30;
                assertEquals(expected, got[i * n + j], tol, what + " at (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    public void gemmRejectsNonConformingShapes() {
        Tensor a = track(backend.zeros(Shape.matrix(2, 3)));
        Tensor b = track(backend.zeros(Shape.matrix(4, 5)));
        Tensor c = track(backend.zeros(Shape.matrix(2, 5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.gemmInPlace(1f, a, false, b, false, 0f, c));
        assertMessageContains(e, "[2, 3]", "[4, 5]");
        Tensor b2 = track(backend.zeros(Shape.matrix(3, 5)));
        Tensor wrongC = track(backend.zeros(Shape.matrix(5, 2)));
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> backend.gemmInPlace(1f, a, false, b2, false, 0f, wrongC)), "[5, 2]");
        Tensor v = track(backend.zeros(Shape.vector(3)));
        assertThrows(IllegalArgumentException.class, () -> track(backend.matmul(v, b2)));
        assertThrows(IllegalArgumentException.class, () -> backend.gemmInPlace(1f, a, false, v, false, 0f, c));
    }

    @Test
    public void transposeSwapsTheAxes() {
        for (int[] d : new int[][] {{1, 1}, {7, 33}, {33, 7}, {0, 5}, {1, 1003}}) {
            float[] x = TestData.normal(d[0] * d[1], 71);
            Tensor t = track(backend.transpose(tensor(x, Shape.matrix(d[0], d[1]))));
            assertEquals(Shape.matrix(d[1], d[0]), t.shape());
            float[] got = t.toArray();
            for (int i = 0; i < d[0]; i++) {
                for (int j = 0; j < d[1]; j++) {
                    assertEquals(Float.floatToIntBits(x[i * d[1] + j]), Float.floatToIntBits(got[j * d[0] + i]));
                }
            }
            assertBitsEqual(x, track(backend.transpose(t)).toArray(), "transposing twice");
        }
        Tensor v = track(backend.zeros(Shape.vector(3)));
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> track(backend.transpose(v))), "[3]");
    }

    @Test
    public void gatherRowsCopiesRowsInOrderIntoNewOrGivenTensors() {
        int rows = 9;
        int cols = 33;
        float[] table = TestData.normal(rows * cols, 81);
        Tensor t = tensor(table, Shape.matrix(rows, cols));
        int[] idx = {8, 0, 3, 3, 8, 1};
        Tensor g = track(backend.gatherRows(t, idx));
        assertEquals(Shape.matrix(idx.length, cols), g.shape());
        float[] expected = new float[idx.length * cols];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(table, idx[i] * cols, expected, i * cols, cols);
        }
        assertBitsEqual(expected, g.toArray(), "gatherRows");
        Tensor out = track(backend.full(Shape.matrix(idx.length, cols), Float.NaN));
        backend.gatherRowsInPlace(t, idx, out);
        assertBitsEqual(expected, out.toArray(), "gatherRowsInPlace");
        assertThrows(IllegalArgumentException.class,
                () -> backend.gatherRowsInPlace(t, idx, track(backend.zeros(Shape.matrix(idx.length + 1, cols)))));
        float[] before = out.toArray();
        IndexOutOfBoundsException outside = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.gatherRowsInPlace(t, new int[] {0, 1, 2, 3, 4, rows}, out));
        assertMessageContains(outside, Integer.toString(rows));
        assertBitsEqual(before, out.toArray(), "gatherRowsInPlace with a bad index writes nothing");
        assertEquals(Shape.matrix(0, cols), track(backend.gatherRows(t, new int[0])).shape());
        for (int bad : new int[] {-1, rows}) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> track(backend.gatherRows(t, new int[] {0, bad})));
            assertMessageContains(e, Integer.toString(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> track(backend.gatherRows(
                track(backend.zeros(Shape.vector(4))), new int[] {0})));
    }

    /** Small integers as floats: sums of them are exact in any order, and maxima tie often. */
    static float[] integers(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(-8, 9);
        }
        return x;
    }

    @Test
    public void im2colAndCol2imMatchTheirDefinitions() {
        for (ImageWindow w : WindowReference.geometries()) {
            float[] x = integers(w.imageShape().size(), 101);
            Tensor patches = track(backend.full(w.patchShape(), Float.NaN));
            backend.im2colInPlace(tensor(x, w.imageShape()), w, patches);
            assertBitsEqual(WindowReference.im2col(x, w), patches.toArray(), "im2col " + w);

            float[] p = integers(w.patchShape().size(), 102);
            float[] base = integers(x.length, 103);
            Tensor images = tensor(base, w.imageShape());
            backend.col2imAddInPlace(tensor(p, w.patchShape()), w, images);
            double[] expected = WindowReference.col2imAdd(p, w, base);
            float[] got = images.toArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], "col2im " + w + " element " + i);
            }
        }
        ImageWindow w = WindowReference.geometries().get(0);
        Tensor wrong = track(backend.zeros(Shape.matrix(3, 3)));
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> backend.im2colInPlace(wrong, w, track(backend.zeros(w.patchShape())))), "[3, 3]");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> backend.col2imAddInPlace(track(backend.zeros(w.imageShape())), w, wrong)), "col2im");
    }

    /** A small-integer transform of {@code rows x cols} with zeros (sums of products stay exact in float). */
    private static float[] transform(int rows, int cols, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] m = new float[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextInt(-2, 3);
        }
        return m;
    }

    /**
     * A transform whose rows (or, {@code byColumns}, columns) come in pairs equal up to the sign
     * pattern {@code s (-1)^k} ({@code s = +-1} alternately), as Winograd's point pairs {@code +-a} make
     * them; a last unpaired line where the count is odd.
     */
    private static float[] pairedTransform(int rows, int cols, long seed, boolean byColumns) {
        float[] m = transform(rows, cols, seed);
        int lines = byColumns ? cols : rows;
        int length = byColumns ? rows : cols;
        for (int line = 1; line < lines; line += 2) {
            float s = line % 4 == 1 ? 1f : -1f;
            for (int k = 0; k < length; k++) {
                float first = byColumns ? m[k * cols + line - 1] : m[(line - 1) * cols + k];
                m[byColumns ? k * cols + line : line * cols + k] = (k % 2 == 0 ? s : -s) * first;
            }
        }
        return m;
    }

    /**
     * Both tile primitives against their definitions on odd grids, with random integer transforms and
     * with transforms whose rows (the way there) or columns (the way back) come in {@code +-a} pairs,
     * as Winograd's do (a backend may share their multiplications; integer data keeps every sum exact).
     */
    @Test
    public void tileTransformsMatchTheirDefinitions() {
        int grid = 0;
        for (ImageTiles g : TileReference.grids()) {
            int q = g.tileSize();
            for (int p : new int[] {q, q + 2, Math.max(1, q - 1)}) {
                checkTileTransforms(g, p, transform(p, q, 122 + grid), transform(q, p, 124 + grid), grid);
                checkTileTransforms(g, p, pairedTransform(p, q, 122 + grid, false), pairedTransform(q, p, 124 + grid,
                        true), grid);
            }
            grid++;
        }
        ImageTiles g = TileReference.grids().get(0);
        Tensor images = track(backend.zeros(g.imageShape()));
        Tensor wrong = track(backend.zeros(Shape.of(3, 3, 3)));
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> backend.imageToTilesInPlace(images, g, new float[36], wrong)), "imageToTiles tiles", "[3, 3, 3]");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> backend.tilesToImageAddInPlace(wrong, g, new float[7], images)), "tilesToImageAdd", "7 values");
    }

    private void checkTileTransforms(ImageTiles g, int p, float[] l, float[] r, int seed) {
        String what = g + " with " + p + " points, L " + Arrays.toString(l) + ", R " + Arrays.toString(r);
        float[] x = integers(g.imageShape().size(), 121 + seed);
        Tensor tiles = track(backend.full(g.tilesShape(p), Float.NaN));
        backend.imageToTilesInPlace(tensor(x, g.imageShape()), g, l, tiles);
        double[] expected = TileReference.imageToTiles(x, g, l, p);
        float[] got = tiles.toArray();
        for (int i = 0; i < got.length; i++) {
            if (got[i] != expected[i]) {
                assertEquals(expected[i], got[i], 0.0, "imageToTiles " + what + " element " + i);
            }
        }

        float[] t = integers(g.tilesShape(p).size(), 123 + seed);
        float[] base = integers(x.length, 125 + seed);
        Tensor images = tensor(base, g.imageShape());
        backend.tilesToImageAddInPlace(tensor(t, g.tilesShape(p)), g, r, images);
        expected = TileReference.tilesToImageAdd(t, g, r, p, base);
        got = images.toArray();
        for (int i = 0; i < got.length; i++) {
            if (got[i] != expected[i]) {
                assertEquals(expected[i], got[i], 0.0, "tilesToImageAdd " + what + " element " + i);
            }
        }
    }

    static Stream<Arguments> batchedGemmCases() {
        List<Arguments> out = new ArrayList<>();
        int[][] cmnk = {{1, 1, 1, 1}, {3, 7, 33, 5}, {4, 33, 7, 64}, {2, 0, 5, 3}, {2, 4, 5, 0}, {0, 3, 3, 3}};
        for (int[] d : cmnk) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    out.add(Arguments.of(d[0], d[1], d[2], d[3], ta, tb));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "count={0} m={1} n={2} k={3} transposeA={4} transposeB={5}")
    @MethodSource("org.optopt.api.testkit.BackendConformanceTest#batchedGemmCases")
    public void batchedGemmMultipliesEveryMatrixOfTheBatch(int count, int m, int n, int k, boolean transposeA,
            boolean transposeB) {
        float[] a = TestData.normal(count * m * k, 131);
        float[] b = TestData.normal(count * k * n, 132);
        float[] c0 = TestData.normal(count * m * n, 133);
        Tensor ta = tensor(a, transposeA ? Shape.of(count, k, m) : Shape.of(count, m, k));
        Tensor tb = tensor(b, transposeB ? Shape.of(count, n, k) : Shape.of(count, k, n));
        float[][] alphaBeta = {{1f, 0f}, {1.5f, -0.5f}, {-2f, 1f}};
        for (float[] ab : alphaBeta) {
            float[] init = ab[1] == 0f ? nanFilled(c0.length) : c0;
            Tensor c = tensor(init, Shape.of(count, m, n));
            backend.gemmBatchedInPlace(ab[0], ta, transposeA, tb, transposeB, ab[1], c);
            float[] got = c.toArray();
            for (int i = 0; i < count; i++) {
                assertGemm(Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k), transposeA,
                        Arrays.copyOfRange(b, i * k * n, (i + 1) * k * n), transposeB, m, n, k, ab[0], ab[1],
                        Arrays.copyOfRange(init, i * m * n, (i + 1) * m * n),
                        Arrays.copyOfRange(got, i * m * n, (i + 1) * m * n),
                        "matrix " + i + " alpha=" + ab[0] + " beta=" + ab[1]);
            }
        }
    }

    private static float[] nanFilled(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    @Test
    public void batchedGemmRejectsNonConformingShapes() {
        Tensor a = track(backend.zeros(Shape.of(2, 3, 4)));
        Tensor b = track(backend.zeros(Shape.of(3, 4, 5)));
        Tensor c = track(backend.zeros(Shape.of(2, 3, 5)));
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> backend.gemmBatchedInPlace(1f, a, false, b, false, 0f, c)), "[2, 3, 4]", "[3, 4, 5]");
        Tensor matrix = track(backend.zeros(Shape.matrix(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> backend.gemmBatchedInPlace(1f, matrix, false, b, false, 0f, c));
    }

    @Test
    public void maxPoolAndItsGradientMatchTheirDefinitions() {
        for (ImageWindow w : WindowReference.geometries()) {
            float[] x = integers(w.imageShape().size(), 111);
            Tensor images = tensor(x, w.imageShape());
            Tensor out = track(backend.full(w.pooledShape(), Float.NaN));
            backend.maxPoolInPlace(images, w, out);
            assertBitsEqual(WindowReference.maxPool(x, w), out.toArray(), "maxPool " + w);

            float[] g = integers(w.pooledShape().size(), 112);
            float[] base = integers(x.length, 113);
            Tensor gx = tensor(base, w.imageShape());
            backend.maxPoolBackwardAddInPlace(images, w, out, tensor(g, w.pooledShape()), gx);
            assertBitsEqual(WindowReference.maxPoolBackwardAdd(x, w, g, base), gx.toArray(), "maxPool gradient " + w);
        }
        ImageWindow w = WindowReference.geometries().get(2);
        float[] nan = integers(w.imageShape().size(), 114);
        nan[5] = Float.NaN;
        Tensor out = track(backend.zeros(w.pooledShape()));
        backend.maxPoolInPlace(tensor(nan, w.imageShape()), w, out);
        assertTrue(Float.isNaN(out.toArray()[w.channels() + 1]), "a NaN in a window makes its maximum NaN");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> backend.maxPoolInPlace(track(backend.zeros(w.patchShape())), w, out)), "maxPool images");
    }

    @Test
    public void scatterAddRowsAccumulatesRepeatedRows() {
        int rows = 6;
        int cols = 7;
        float[] table = TestData.normal(rows * cols, 91);
        int[] idx = {2, 5, 2, 0, 2};
        float[] values = TestData.normal(idx.length * cols, 92);
        Tensor t = tensor(table, Shape.matrix(rows, cols));
        backend.scatterAddRowsInPlace(t, idx, tensor(values, Shape.matrix(idx.length, cols)));
        double[] expected = new double[table.length];
        double[] magnitude = new double[table.length];
        for (int i = 0; i < table.length; i++) {
            expected[i] = table[i];
            magnitude[i] = Math.abs(table[i]);
        }
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < cols; j++) {
                expected[idx[i] * cols + j] += values[i * cols + j];
                magnitude[idx[i] * cols + j] += Math.abs(values[i * cols + j]);
            }
        }
        float[] got = t.toArray();
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 2.5e-7 * magnitude[i], "element " + i);
        }

        float[] before = t.toArray();
        Tensor two = tensor(TestData.normal(2 * cols, 93), Shape.matrix(2, cols));
        for (int bad : new int[] {-1, rows}) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> backend.scatterAddRowsInPlace(t, new int[] {1, bad}, two));
            assertMessageContains(e, Integer.toString(bad));
            assertBitsEqual(before, t.toArray(), "a failed scatterAddRows must not write");
        }
        Tensor wrong = track(backend.zeros(Shape.matrix(2, cols + 1)));
        assertThrows(IllegalArgumentException.class, () -> backend.scatterAddRowsInPlace(t, new int[] {1, 2}, wrong));
        backend.scatterAddRowsInPlace(t, new int[0], track(backend.zeros(Shape.matrix(0, cols))));
        assertBitsEqual(before, t.toArray(), "scattering no rows");
    }

    // ---- ownership and lifetime ------------------------------------------------------------

    @Test
    public void closedTensorsAreRejected() {
        Tensor t = backend.fromArray(new float[] {1, 2, 3}, Shape.vector(3));
        Tensor ok = track(backend.zeros(Shape.vector(3)));
        assertFalse(t.isClosed());
        t.close();
        assertTrue(t.isClosed());
        t.close();
        assertThrows(IllegalStateException.class, t::toArray);
        assertThrows(IllegalStateException.class, () -> t.copyFrom(new float[3]));
        List<Executable> uses = List.of(
                () -> track(backend.map(UnaryOp.NEG, t)),
                () -> track(backend.zip(BinaryOp.ADD, ok, t)),
                () -> track(backend.zip(BinaryOp.ADD, t, 1f)),
                () -> backend.axpyInPlace(1f, t, ok),
                () -> backend.axpyInPlace(1f, ok, t),
                () -> backend.fillInPlace(t, 0f),
                () -> backend.copyInPlace(t, ok),
                () -> track(backend.copy(t)),
                () -> backend.reduce(ReduceOp.SUM, t),
                () -> backend.dot(ok, t),
                () -> track(backend.reshape(t, Shape.matrix(1, 3))));
        for (int i = 0; i < uses.size(); i++) {
            assertThrows(IllegalStateException.class, uses.get(i), "use #" + i + " of a closed tensor");
        }
    }

    @Test
    public void tensorsOfAnotherBackendInstanceAreRejected() {
        try (Backend other = createBackend()) {
            Tensor foreign = other.fromArray(new float[] {1, 2, 3, 4}, Shape.matrix(2, 2));
            Tensor mine = track(backend.zeros(Shape.matrix(2, 2)));
            List<Executable> uses = List.of(
                    () -> track(backend.map(UnaryOp.ABS, foreign)),
                    () -> track(backend.zip(BinaryOp.MUL, mine, foreign)),
                    () -> backend.axpyInPlace(2f, foreign, mine),
                    () -> backend.copyInPlace(foreign, mine),
                    () -> backend.dot(mine, foreign),
                    () -> backend.reduce(ReduceOp.MAX, foreign),
                    () -> backend.gemmInPlace(1f, foreign, false, mine, false, 0f, mine),
                    () -> track(backend.transpose(foreign)),
                    () -> track(backend.gatherRows(foreign, new int[] {0})));
            for (int i = 0; i < uses.size(); i++) {
                assertThrows(IllegalArgumentException.class, uses.get(i), "use #" + i + " of a foreign tensor");
            }
            CompiledKernel k = backend.compile(ConformanceKernels.SGD.kernel());
            KernelArgs args = k.args().buffer("p", mine).buffer("g", foreign).scalar("lr", 0.1);
            assertThrows(IllegalArgumentException.class, () -> k.run(args));
            foreign.close();
        }
    }

    @Test
    public void hasAName() {
        assertFalse(backend.name().isBlank());
    }

    // ---- kernels ---------------------------------------------------------------------------

    static Stream<Arguments> kernelRuns() {
        List<Arguments> out = new ArrayList<>();
        for (KernelCase c : ConformanceKernels.kernels()) {
            for (int n : KERNEL_SIZES) {
                out.add(Arguments.of(c, n));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("org.optopt.api.testkit.BackendConformanceTest#kernelRuns")
    public void compiledKernelEqualsTheInterpreter(KernelCase c, int n) {
        CompiledKernel k = backend.compile(c.kernel());
        assumeFalse(k instanceof InterpretedKernel, () -> "skipped: " + backend.name()
                + " runs kernels through the reference interpreter (InterpretedKernel); comparing it with itself proves nothing");
        assertEquals(c.kernel(), k.kernel(), "compiled kernel reports its kernel");
        assertMatchesInterpreter(k, c, inputs(c, n, 100 + n), Shape.vector(n), c.scalars(), "");
    }

    /**
     * A float partial sum ({@link ReduceOp#FLOAT_PARTIAL_SUM}: a statistic probe's lag products)
     * beside a sum in double and a store, over lengths around the vector and partial sizes of CPU
     * loops: each sum within its promised bound of the exact sum (a {@code SUM} within 1e-9), the
     * store bit for bit.
     */
    @Test
    public void floatPartialSumsAreWithinTheirBound() {
        Kernel products = Kernel.builder("products")
                .floatPartialSum("r0", buffer("g").times(buffer("g")))
                .floatPartialSum("r1", buffer("g").times(buffer("prev")))
                .store("prev", buffer("g"))
                .build();
        CompiledKernel k = backend.compile(products);
        for (int n : new int[] {0, 1, 31, 1023, 1024, 1031, 8191, 8192, 8200, 65537}) {
            float[] g = TestData.normal(n, 61);
            float[] prev = TestData.normal(n, 62);
            for (int i = 0; i < n; i += 3) {
                g[i] *= 1000; // terms of mixed magnitudes and signs, so that the order of addition matters
            }
            double[] exact = new double[2];
            double[] absolute = new double[2];
            for (int i = 0; i < n; i++) {
                double[] terms = {g[i] * g[i], g[i] * prev[i]};
                for (int r = 0; r < 2; r++) {
                    exact[r] += terms[r];
                    absolute[r] += Math.abs(terms[r]);
                }
            }
            Tensor gt = tensor(g, Shape.vector(n));
            Tensor pt = tensor(prev, Shape.vector(n));
            Reductions got = k.run(k.args().buffer("g", gt).buffer("prev", pt));
            for (int r = 0; r < 2; r++) {
                assertEquals(exact[r], got.get(r), floatPartialBound(n, absolute[r]), "r" + r + " over " + n);
            }
            assertArrayEquals(g, pt.toArray(), "the store over " + n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.optopt.api.testkit.ConformanceKernels#kernels")
    public void compiledKernelRunsOnAnyShape(KernelCase c) {
        CompiledKernel k = backend.compile(c.kernel());
        for (Shape shape : List.of(Shape.scalar(), Shape.matrix(7, 33), Shape.of(3, 0, 2), Shape.of(2, 3, 5))) {
            assertMatchesInterpreter(k, c, inputs(c, shape.size(), 7), shape, c.scalars(), "on " + shape);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.optopt.api.testkit.ConformanceKernels#kernels")
    public void compiledKernelIsReusableWithNewScalarsAndTensors(KernelCase c) {
        CompiledKernel k = backend.compile(c.kernel());
        Map<String, float[]> host = inputs(c, 1003, 5);
        Map<String, Tensor> dev = upload(host, Shape.vector(1003));
        KernelArgs args = bind(k, dev, c.scalars());
        for (int step = 0; step < 3; step++) {
            Map<String, Double> scalars = step == 1 ? c.otherScalars() : c.scalars();
            bindScalars(args, scalars);
            Reductions got = k.run(args);
            Reductions expected = KernelInterpreter.run(c.kernel(), host, scalars);
            compare(c, host, dev, expected, got, "step " + step);
        }
        // The same compiled kernel over tensors of another size.
        assertMatchesInterpreter(k, c, inputs(c, 33, 6), Shape.vector(33), c.otherScalars(), "after reuse");
    }

    @Test
    public void kernelsWithTheSameNameAreCompiledByContent() {
        Kernel twice = Kernel.builder("k").store("p", buffer("p").times(2)).build();
        Kernel square = Kernel.builder("k").store("p", buffer("p").square()).build();
        KernelCase a = new KernelCase("twice", twice, Map.of(), Map.of(), Map.of());
        KernelCase b = new KernelCase("square", square, Map.of(), Map.of(), Map.of());
        CompiledKernel ka = backend.compile(twice);
        CompiledKernel kb = backend.compile(square);
        assertMatchesInterpreter(kb, b, inputs(b, 33, 1), Shape.vector(33), Map.of(), "compiled second");
        assertMatchesInterpreter(ka, a, inputs(a, 33, 2), Shape.vector(33), Map.of(), "compiled first");
        CompiledKernel again = backend.compile(twice);
        assertMatchesInterpreter(again, a, inputs(a, 7, 3), Shape.vector(7), Map.of(), "compiled again");
    }

    @Test
    public void kernelsWriteThroughReshapedViews() {
        KernelCase c = ConformanceKernels.MOMENTUM;
        Map<String, float[]> host = inputs(c, 12, 4);
        Map<String, Tensor> views = new HashMap<>();
        Map<String, Tensor> sources = new HashMap<>();
        host.forEach((name, data) -> {
            Tensor source = tensor(data, Shape.matrix(3, 4));
            sources.put(name, source);
            views.put(name, track(backend.reshape(source, Shape.vector(12))));
        });
        CompiledKernel k = backend.compile(c.kernel());
        k.run(bind(k, views, c.scalars()));
        KernelInterpreter.run(c.kernel(), host, c.scalars());
        for (String b : c.kernel().buffers()) {
            assertBitsEqual(host.get(b), sources.get(b).toArray(), "buffer '" + b + "' seen through its source");
        }
    }

    @Test
    public void aCompiledKernelRunsConcurrently() throws Exception {
        KernelCase c = ConformanceKernels.ADAM;
        CompiledKernel k = backend.compile(c.kernel());
        int threads = 4;
        List<Map<String, float[]>> hosts = new ArrayList<>();
        List<Map<String, Tensor>> devs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Map<String, float[]> host = inputs(c, 4099, 1000 + t);
            hosts.add(host);
            devs.add(upload(host, Shape.vector(4099)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Map<String, Tensor> dev = devs.get(t);
                runs.add(pool.submit(() -> {
                    for (int step = 0; step < 5; step++) {
                        k.run(bind(k, dev, c.scalars()));
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < threads; t++) {
            for (int step = 0; step < 5; step++) {
                KernelInterpreter.run(c.kernel(), hosts.get(t), c.scalars());
            }
            for (String b : c.kernel().buffers()) {
                assertBitsEqual(hosts.get(t).get(b), devs.get(t).get(b).toArray(), "thread " + t + " buffer " + b);
            }
        }
    }

    /** Runs {@code k} on uploaded copies of {@code host} and the interpreter on {@code host}, and compares. */
    private void assertMatchesInterpreter(CompiledKernel k, KernelCase c, Map<String, float[]> host, Shape shape,
            Map<String, Double> scalars, String what) {
        Map<String, Tensor> dev = upload(host, shape);
        Reductions got = k.run(bind(k, dev, scalars));
        Reductions expected = KernelInterpreter.run(c.kernel(), host, scalars);
        compare(c, host, dev, expected, got, what);
    }

    private void compare(KernelCase c, Map<String, float[]> expected, Map<String, Tensor> dev,
            Reductions expectedReductions, Reductions got, String what) {
        for (String b : c.kernel().buffers()) {
            assertBitsEqual(expected.get(b), dev.get(b).toArray(), c + " " + what + ": buffer '" + b + "'");
        }
        assertEquals(expectedReductions.size(), got.size(), c + ": number of reductions");
        for (String r : c.kernel().reductions()) {
            assertReductionEquals(expectedReductions.get(r), got.get(r), c + " " + what + ": reduction '" + r + "'");
        }
    }

    private static Map<String, float[]> inputs(KernelCase c, int n, long seed) {
        Map<String, float[]> host = new LinkedHashMap<>();
        int specials = 0;
        for (String b : c.kernel().buffers()) {
            Domain d = c.domain(b);
            host.put(b, TestData.of(d, n, seed + 31L * host.size(), d == Domain.SPECIAL ? specials++ : 0));
        }
        return host;
    }

    private Map<String, Tensor> upload(Map<String, float[]> host, Shape shape) {
        Map<String, Tensor> dev = new HashMap<>();
        host.forEach((name, data) -> dev.put(name, tensor(data, shape)));
        return dev;
    }

    private static KernelArgs bind(CompiledKernel k, Map<String, Tensor> dev, Map<String, Double> scalars) {
        KernelArgs args = k.args();
        for (String b : k.kernel().buffers()) {
            args.buffer(b, dev.get(b));
        }
        bindScalars(args, scalars);
        return args;
    }

    private static void bindScalars(KernelArgs args, Map<String, Double> scalars) {
        scalars.forEach(args::scalar);
    }

    // ---- derivative kernels ----------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.optopt.api.testkit.ConformanceKernels#derivatives")
    public void derivativeKernelMatchesCentralFiniteDifferences(DerivativeCase dc) {
        int n = 1003;
        KernelCase base = dc.base();
        Kernel dk = dc.derivative();
        Map<String, float[]> host = inputs(base, n, 17);
        Map<String, Tensor> dev = upload(host, Shape.vector(n));
        for (String out : dc.outputs().values()) {
            dev.put(out, tensor(new float[n], Shape.vector(n)));
        }
        CompiledKernel k = backend.compile(dk);
        k.run(bind(k, dev, dc.scalars()));

        Map<String, float[]> plus = runAt(base, host, dc.scalars(), dc.scalar(), dc.step());
        Map<String, float[]> minus = runAt(base, host, dc.scalars(), dc.scalar(), -dc.step());
        double h = dc.step();
        for (Map.Entry<String, String> o : dc.outputs().entrySet()) {
            float[] d = dev.get(o.getValue()).toArray();
            double[] fd = new double[n];
            for (int i = 0; i < n; i++) {
                fd[i] = ((double) plus.get(o.getKey())[i] - minus.get(o.getKey())[i]) / (2 * h);
            }
            assertCloseInMedian(fd, d, dc + ": d" + o.getKey());
        }
    }

    private static Map<String, float[]> runAt(KernelCase c, Map<String, float[]> host, Map<String, Double> scalars,
            String scalar, double delta) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        host.forEach((k, v) -> copy.put(k, v.clone()));
        Map<String, Double> s = new HashMap<>(scalars);
        s.put(scalar, scalars.get(scalar) + delta);
        KernelInterpreter.run(c.kernel(), copy, s);
        return copy;
    }

    /**
     * The derivative agrees with finite differences: the median relative error is below 1e-3 and
     * 95% of elements are within 1e-2. (A few elements may sit where the finite difference
     * crosses a select's boundary or float32 rounding dominates a tiny difference.)
     */
    private static void assertCloseInMedian(double[] fd, float[] d, String what) {
        double scale = 0;
        for (double v : fd) {
            scale = Math.max(scale, Math.abs(v));
        }
        double[] rel = new double[fd.length];
        for (int i = 0; i < fd.length; i++) {
            double denom = Math.max(Math.max(Math.abs(fd[i]), Math.abs(d[i])), 1e-6 * scale);
            rel[i] = denom == 0 ? 0 : Math.abs(fd[i] - d[i]) / denom;
            if (!Double.isFinite(d[i])) {
                fail(what + ": derivative at " + i + " is " + d[i]);
            }
        }
        Arrays.sort(rel);
        double median = rel[rel.length / 2];
        double p95 = rel[(int) (rel.length * 0.95)];
        assertTrue(median < 1e-3 && p95 < 1e-2,
                what + ": relative error vs finite differences: median " + median + ", 95th percentile " + p95);
    }

    // ---- kernel argument errors ------------------------------------------------------------

    @Test
    public void kernelArgumentErrorsPropagate() {
        Kernel adam = ConformanceKernels.ADAM.kernel();
        CompiledKernel k = backend.compile(adam);
        Supplier<KernelArgs> complete = () -> {
            KernelArgs a = k.args();
            for (String b : adam.buffers()) {
                a.buffer(b, track(backend.zeros(Shape.vector(7))));
            }
            ConformanceKernels.ADAM.scalars().forEach(a::scalar);
            return a;
        };
        k.run(complete.get());

        KernelArgs unboundBuffer = k.args();
        ConformanceKernels.ADAM.scalars().forEach(unboundBuffer::scalar);
        for (String b : List.of("m", "v", "g")) {
            unboundBuffer.buffer(b, track(backend.zeros(Shape.vector(7))));
        }
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> k.run(unboundBuffer)), "'p'");

        KernelArgs unboundScalar = k.args();
        for (String b : adam.buffers()) {
            unboundScalar.buffer(b, track(backend.zeros(Shape.vector(7))));
        }
        ConformanceKernels.ADAM.scalars().forEach((name, value) -> {
            if (!name.equals("eps")) {
                unboundScalar.scalar(name, value);
            }
        });
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> k.run(unboundScalar)), "'eps'");

        KernelArgs mismatch = complete.get().buffer("g", track(backend.zeros(Shape.vector(8))));
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> k.run(mismatch)), "[8]", "[7]");

        KernelArgs aliased = complete.get();
        aliased.buffer("v", aliased.tensors()[adam.bufferIndex("m")]);
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> k.run(aliased)), "same tensor");

        KernelArgs closed = complete.get();
        closed.tensors()[adam.bufferIndex("g")].close();
        assertThrows(IllegalStateException.class, () -> k.run(closed));

        assertThrows(IllegalArgumentException.class, () -> k.args().buffer("nope", track(backend.zeros(Shape.vector(7)))));
        assertThrows(IllegalArgumentException.class, () -> k.args().scalar("lr", Double.NaN));
    }

    // ---- assertions ------------------------------------------------------------------------

    /**
     * Asserts equal float bit patterns (any NaN equals any NaN; 0 and -0 differ), reporting the
     * first differing index, both values and the inputs there.
     */
    protected static void assertBitsEqual(float[] expected, float[] actual, String what, float[]... inputs) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                StringBuilder in = new StringBuilder();
                for (float[] x : inputs) {
                    in.append(in.isEmpty() ? " for input " : ", ").append(x[i]);
                }
                fail(what + ": element " + i + " is " + actual[i] + " but expected " + expected[i] + in);
            }
        }
    }

    /**
     * The accuracy {@link ReduceOp#FLOAT_PARTIAL_SUM} promises for n terms of absolute sum
     * {@code absolute}, and the double rounding of the reference it is compared with:
     * (gamma_f(FLOAT_PARTIAL_TERMS - 1) + 2 gamma_d(n)) * absolute.
     */
    protected static double floatPartialBound(int n, double absolute) {
        double f = (ReduceOp.FLOAT_PARTIAL_TERMS - 1) * 0x1p-24;
        double d = n * 0x1p-53;
        return (f / (1 - f) + 2 * d / (1 - d)) * absolute;
    }

    /** Asserts a reduction within 1e-9 relative (NaN equals NaN, infinities exactly). */
    protected static void assertReductionEquals(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), what);
    }

    /** Asserts that the exception's message contains every fragment. */
    protected static void assertMessageContains(Throwable e, String... fragments) {
        String msg = String.valueOf(e.getMessage());
        for (String f : fragments) {
            assertTrue(msg.contains(f), "message '" + msg + "' should contain '" + f + "'");
        }
    }
}
