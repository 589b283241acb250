package org.optopt.backend.nd4j;

import java.util.Arrays;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.support.GemmShape;
import org.optopt.api.backend.support.HeapBackend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Tensor;

/**
 * The {@code nd4j} backend: tensors are heap {@code float[]} (the fastest path measured for
 * elementwise work), kernels compile to one fused loop each ({@link KernelCompiler}), so do the
 * elementwise primitives and full reductions ({@link FusedPrimitives}); matrix products run on
 * ND4J's bundled OpenBLAS ({@link OpenBlas}); every other primitive is {@link HeapBackend}'s
 * plain-Java loop. ND4J itself runs only the incumbent it is compared against ({@link Nd4jIncumbentProvider}).
 */
public final class Nd4jBackend extends HeapBackend {
    private final int threads;
    private final ParallelLoop kernelLoop;

    /**
     * Loads OpenBLAS and sets its (process-wide) thread count.
     *
     * @param threads threads for OpenBLAS, at least 1
     * @param kernelThreads threads for compiled kernels over large tensors and for the ND4J
     *     incumbent they are compared with, at least 1
     */
    Nd4jBackend(int threads, int kernelThreads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1 but is " + threads);
        }
        this.threads = threads;
        this.kernelLoop = new ParallelLoop(kernelThreads);
        OpenBlas.setThreads(threads);
    }

    @Override
    public String name() {
        return Nd4jBackendProvider.NAME;
    }

    /** The OpenBLAS thread count this backend was created with. */
    public int threads() {
        return threads;
    }

    /** Threads for compiled kernels over large tensors (see {@link ParallelLoop}) and for the incumbent. */
    @Override
    public int kernelThreads() {
        return kernelLoop.threads();
    }

    /**
     * True: tensors are heap arrays and primitives allocate their results; the generated loops are
     * cached in concurrent maps, staged kernels' scratch arrays are per thread ({@link StageScratch})
     * and {@link ParallelLoop} claims workers of the process's team from any thread; {@code cblas_sgemm} is reentrant
     * (with one OpenBLAS thread, the default, each call runs on its caller's thread).
     */
    @Override
    public boolean concurrentUse() {
        return true;
    }

    /** {@code op(x)} through a generated loop ({@link FusedPrimitives}). */
    @Override
    public Tensor map(UnaryOp op, Tensor x) {
        return wrap(FusedPrimitives.map(op, data(x, "map operand")), x.shape());
    }

    /** {@code op(a, b)}: equal shapes through a generated loop, broadcasting as in {@link HeapBackend}. */
    @Override
    public Tensor zip(BinaryOp op, Tensor a, Tensor b) {
        float[] x = data(a, "left operand");
        float[] y = data(b, "right operand");
        return a.shape().equals(b.shape()) ? wrap(FusedPrimitives.zip(op, x, y), a.shape()) : super.zip(op, a, b);
    }

    /** {@code op(a, b)} with a scalar {@code b}, through a generated loop. */
    @Override
    public Tensor zip(BinaryOp op, Tensor a, float b) {
        return wrap(FusedPrimitives.zip(op, data(a, "left operand"), b), a.shape());
    }

    /** {@code op} over all elements through a generated loop (four accumulator lanes). */
    @Override
    public double reduce(ReduceOp op, Tensor x) {
        return FusedPrimitives.reduce(op, data(x, "reduce operand"));
    }

    /** {@code sum(a*b)} with products in double, in four accumulator lanes. */
    @Override
    public double dot(Tensor a, Tensor b) {
        requireSameShape(a, b, "dot");
        return FusedPrimitives.dot(data(a, "left operand"), data(b, "right operand"));
    }

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c} through {@code cblas_sgemm}. With
     * {@code beta == 0} the old contents of {@code c} are ignored (BLAS semantics, NaN included);
     * an empty inner dimension leaves {@code beta * c} (zeros when {@code beta == 0}). If {@code c}
     * shares its array with an operand (a reshape view), the operand is copied first.
     */
    @Override
    public void gemmInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, float beta,
            Tensor c) {
        GemmShape g = GemmShape.of(a, transposeA, b, transposeB, c);
        float[] x = data(a, "gemm A");
        float[] y = data(b, "gemm B");
        float[] z = data(c, "gemm C");
        if (g.m() == 0 || g.n() == 0) {
            return;
        }
        if (g.k() == 0) {
            scale(z, beta);
            return;
        }
        OpenBlas.sgemm(transposeA, transposeB, g.m(), g.n(), g.k(), alpha, z == x ? x.clone() : x,
                a.shape().dim(1), z == y ? y.clone() : y, b.shape().dim(1), beta, z);
    }

    /**
     * One matrix of {@link #gemmBatchedInPlace} through {@code cblas_sgemm} on slices of the arrays
     * (no copies); the conventions of {@link #gemmInPlace}. {@code z} must not be an operand's array.
     */
    @Override
    protected void gemmAt(GemmShape g, float alpha, float[] x, int xOffset, boolean transposeA, float[] y,
            int yOffset, boolean transposeB, float beta, float[] z, int zOffset) {
        if (z == x || z == y) {
            throw new IllegalArgumentException("batched gemm: C shares its memory with an operand");
        }
        if (g.m() == 0 || g.n() == 0) {
            return;
        }
        if (g.k() == 0) {
            for (int i = zOffset; i < zOffset + g.m() * g.n(); i++) {
                z[i] = beta == 0f ? 0f : beta * z[i];
            }
            return;
        }
        OpenBlas.sgemm(transposeA, transposeB, g.m(), g.n(), g.k(), alpha, x, xOffset, transposeA ? g.m() : g.k(),
                y, yOffset, transposeB ? g.k() : g.n(), beta, z, zOffset);
    }

    private static void scale(float[] z, float beta) {
        if (beta == 0f) {
            Arrays.fill(z, 0f);
        } else {
            for (int i = 0; i < z.length; i++) {
                z[i] *= beta;
            }
        }
    }

    /** Compiles {@code kernel} to a fused loop (cached: equal kernels share one generated class). */
    @Override
    public CompiledKernel compile(Kernel kernel) {
        return new FusedKernel(this, kernel, kernelLoop);
    }
}
