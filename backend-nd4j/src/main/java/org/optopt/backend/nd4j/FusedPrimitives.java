package org.optopt.backend.nd4j;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;

/**
 * The backend's elementwise primitives and full reductions as one-statement kernels run through
 * generated loops ({@link KernelCompiler}), called directly on heap arrays without
 * {@code KernelArgs}. A plain loop that dispatches on the op per element does not vectorize: on
 * 16,384 floats, {@link org.optopt.api.backend.support.HeapBackend}'s {@code zip(MUL)} took
 * 15 us and {@code map(SQUARE)} 31 us, these 12 us and 14 us, of which the generated loops take
 * 1.8 us and 1.6 us (the rest is allocating the result); full sums run in double vector lanes
 * where the Vector API is resolved ({@link VectorLoopEmitter}), the other full reductions and the dot
 * product in four accumulator lanes (2.5x faster than a single chain of double additions).
 * Results equal {@link org.optopt.api.kernel.KernelMath} bit for bit, as every compiled kernel does.
 * Loops are generated on first use of each op.
 */
final class FusedPrimitives {
    private static final float[] NO_UNIFORMS = {};
    private static final double[] NO_REDUCTIONS = {};

    private static final Map<UnaryOp, ElementLoop> MAPS = new ConcurrentHashMap<>();
    private static final Map<BinaryOp, ElementLoop> ZIPS = new ConcurrentHashMap<>();
    private static final Map<BinaryOp, ElementLoop> ZIPS_WITH_SCALAR = new ConcurrentHashMap<>();
    private static final Map<ReduceOp, ElementLoop> REDUCTIONS = new ConcurrentHashMap<>();

    private FusedPrimitives() {}

    /** {@code out[i] = op(x[i])}. */
    static float[] map(UnaryOp op, float[] x) {
        float[] out = new float[x.length];
        loop(MAPS, op, o -> Kernel.builder("map_" + o).store("out", buffer("x").apply(o)).build(), "x", "out")
                .run(new float[][] {x, out}, NO_UNIFORMS, NO_REDUCTIONS, 0, x.length);
        return out;
    }

    /** {@code out[i] = op(a[i], b[i])} for arrays of equal length. */
    static float[] zip(BinaryOp op, float[] a, float[] b) {
        float[] out = new float[a.length];
        loop(ZIPS, op, o -> Kernel.builder("zip_" + o).store("out", new Expr.Binary(o, buffer("a"), buffer("b")))
                .build(), "a", "b", "out")
                .run(new float[][] {a, b, out}, NO_UNIFORMS, NO_REDUCTIONS, 0, a.length);
        return out;
    }

    /** {@code out[i] = op(a[i], s)}. */
    static float[] zip(BinaryOp op, float[] a, float s) {
        float[] out = new float[a.length];
        loop(ZIPS_WITH_SCALAR, op, o -> Kernel.builder("zip_scalar_" + o)
                .store("out", new Expr.Binary(o, buffer("a"), scalar("s"))).build(), "a", "out")
                .run(new float[][] {a, out}, new float[] {s}, NO_REDUCTIONS, 0, a.length);
        return out;
    }

    /** {@code op} over all elements, in double. */
    static double reduce(ReduceOp op, float[] x) {
        double[] result = {op.identity()};
        loop(REDUCTIONS, op, o -> Kernel.builder("reduce_" + o).reduce("r", o, buffer("x")).build(), "x")
                .run(new float[][] {x}, NO_UNIFORMS, result, 0, x.length);
        return result[0];
    }

    /**
     * {@code sum((double) a[i] * b[i])} over arrays of equal length (they may be the same array).
     * The products are taken in double, as the contract's reference does, which the kernel
     * language (float element arithmetic) cannot express: a hand-written loop in four lanes.
     */
    static double dot(float[] a, float[] b) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) {
            s0 += (double) a[i] * b[i];
            s1 += (double) a[i + 1] * b[i + 1];
            s2 += (double) a[i + 2] * b[i + 2];
            s3 += (double) a[i + 3] * b[i + 3];
        }
        for (; i < a.length; i++) {
            s0 += (double) a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The cached loop for {@code key}, generating it from {@code kernelOf} on first use and checking
     * that its buffers come in the order the caller passes arrays.
     */
    private static <K> ElementLoop loop(Map<K, ElementLoop> cache, K key, Function<K, Kernel> kernelOf,
            String... bufferOrder) {
        ElementLoop loop = cache.get(key);
        if (loop != null) {
            return loop;
        }
        return cache.computeIfAbsent(key, k -> {
            Kernel kernel = kernelOf.apply(k);
            if (!kernel.buffers().equals(List.of(bufferOrder))) {
                throw new IllegalStateException("Kernel " + kernel.name() + " orders its buffers as "
                        + kernel.buffers() + ", expected " + List.of(bufferOrder));
            }
            return KernelCompiler.loop(KernelPlan.of(kernel));
        });
    }
}
