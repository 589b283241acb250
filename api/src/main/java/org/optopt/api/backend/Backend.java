package org.optopt.api.backend;

import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A compute backend: owns tensor memory and executes primitives and compiled kernels.
 *
 * <p>All tensors passed to a backend must have been created by it and not be closed; violations
 * fail with an exception naming the problem. Methods returning a {@link Tensor} allocate a new one
 * that the caller owns (and should close), unless documented as a view. Methods whose names end
 * in {@code InPlace} overwrite an argument. Elementwise results are float32 and equal
 * {@link org.optopt.api.kernel.KernelMath} bit for bit; reductions accumulate in double.
 *
 * <p>Binary elementwise ops broadcast as NumPy does: shapes are aligned at their last dimension
 * and a dimension of 1 (or a missing one) repeats.
 */
public interface Backend extends AutoCloseable {

    /** The name of the provider that created this backend. */
    String name();

    // ---- creation and host copies ---------------------------------------------------------

    /** A new tensor of zeros. */
    Tensor zeros(Shape shape);

    /** A new tensor with every element {@code value}. */
    Tensor full(Shape shape, float value);

    /**
     * A new tensor holding a copy of {@code data} (row-major).
     *
     * @throws IllegalArgumentException if {@code data.length != shape.size()}
     */
    Tensor fromArray(float[] data, Shape shape);

    /** A new tensor with the same shape and elements as {@code x}. */
    Tensor copy(Tensor x);

    /**
     * A view of {@code x} with another shape of the same size; writes through either are visible
     * in both. Closing the view does not close {@code x}.
     */
    Tensor reshape(Tensor x, Shape shape);

    /**
     * A new tensor of independent normal samples, reproducible from {@code seed}: every backend
     * produces the same values for the same seed and shape.
     *
     * @throws IllegalArgumentException if {@code mean} or {@code std} is not finite or {@code std} is negative
     */
    Tensor randomNormal(Shape shape, double mean, double std, long seed);

    /**
     * A new tensor of independent uniform samples in [low, high), reproducible from {@code seed}
     * (the same values on every backend).
     *
     * @throws IllegalArgumentException if a bound is not finite or {@code low >= high}
     */
    Tensor randomUniform(Shape shape, double low, double high, long seed);

    // ---- elementwise -----------------------------------------------------------------------

    /** {@code op(x)} elementwise, as a new tensor. */
    Tensor map(UnaryOp op, Tensor x);

    /** {@code op(a, b)} elementwise with broadcasting, as a new tensor. */
    Tensor zip(BinaryOp op, Tensor a, Tensor b);

    /** {@code op(a, b)} elementwise with a scalar right operand, as a new tensor. */
    Tensor zip(BinaryOp op, Tensor a, float b);

    /** {@code y += alpha * x} elementwise; shapes must be equal. */
    void axpyInPlace(float alpha, Tensor x, Tensor y);

    /** Sets every element of {@code x} to {@code value}. */
    void fillInPlace(Tensor x, float value);

    /** Copies the elements of {@code source} into {@code target}; the shapes must be equal. */
    void copyInPlace(Tensor source, Tensor target);

    // ---- reductions ------------------------------------------------------------------------

    /** {@code op} over all elements, accumulated in double. */
    double reduce(ReduceOp op, Tensor x);

    /** {@code op} along {@code axis} (negative counts from the end); the axis is removed from the shape. */
    Tensor reduce(ReduceOp op, Tensor x, int axis);

    /** Sum of all elements. */
    default double sum(Tensor x) {
        return reduce(ReduceOp.SUM, x);
    }

    /** {@code sum(a*b)} over equally shaped tensors, accumulated in double. */
    double dot(Tensor a, Tensor b);

    /** The Euclidean norm {@code sqrt(sum(x*x))}. */
    default double norm2(Tensor x) {
        return Math.sqrt(dot(x, x));
    }

    /**
     * For each index of the leading dimensions, the index of the largest element along the last
     * axis (the first one on ties); {@code {0}} for a scalar.
     *
     * @throws IllegalArgumentException if the last axis is empty
     */
    int[] argmax(Tensor x);

    // ---- linear algebra --------------------------------------------------------------------

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c} for matrices, where op transposes if asked.
     * With {@code beta == 0} the old contents of {@code c} are ignored (even NaN).
     *
     * @throws IllegalArgumentException if the shapes do not conform, naming them
     */
    void gemmInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, float beta, Tensor c);

    /** {@code op(a) * op(b)} as a new matrix. */
    default Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        a.shape().requireRank(2, "matmul left operand");
        b.shape().requireRank(2, "matmul right operand");
        int m = transposeA ? a.shape().dim(1) : a.shape().dim(0);
        int n = transposeB ? b.shape().dim(0) : b.shape().dim(1);
        Tensor c = zeros(Shape.matrix(m, n));
        gemmInPlace(1f, a, transposeA, b, transposeB, 0f, c);
        return c;
    }

    /** {@code a * b} as a new matrix. */
    default Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, false, b, false);
    }

    /**
     * A batch of products over rank-3 tensors {@code [count, rows, cols]}:
     * {@code c[i] = alpha * op(a[i]) * op(b[i]) + beta * c[i]} for every {@code i < count}, with the
     * conventions of {@link #gemmInPlace} ({@code beta == 0} ignores the old contents of {@code c}).
     * Winograd convolution multiplies one such pair per transform point. The default composes
     * {@link #gatherRows}, {@link #gemmInPlace} and {@link #scatterAddRowsInPlace} ({@link BatchedGemms}).
     *
     * @throws IllegalArgumentException if the shapes do not conform, naming them
     */
    default void gemmBatchedInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB,
            float beta, Tensor c) {
        BatchedGemms.compose(this, alpha, a, transposeA, b, transposeB, beta, c);
    }

    /** The transpose of a matrix, as a new tensor. */
    Tensor transpose(Tensor x);

    /**
     * Rows {@code rows[i]} of a matrix {@code table}, as a new {@code rows.length x cols} matrix.
     *
     * @throws IndexOutOfBoundsException if a row index is outside the table, naming it
     */
    Tensor gatherRows(Tensor table, int[] rows);

    /**
     * Rows {@code rows[i]} of a matrix {@code table} written into {@code out}, a
     * {@code rows.length x cols} matrix (a {@link #gatherRows} without allocating its result, e.g.
     * one time step's block of a sequence). The default copies a {@link #gatherRows}.
     *
     * @throws IndexOutOfBoundsException if a row index is outside the table, naming it; nothing is written then
     * @throws IllegalArgumentException if {@code out} does not have that shape
     */
    default void gatherRowsInPlace(Tensor table, int[] rows, Tensor out) {
        table.shape().requireRank(2, "gatherRows table");
        Shape expected = Shape.matrix(rows.length, table.shape().dim(1));
        if (!out.shape().equals(expected)) {
            throw new IllegalArgumentException("gatherRowsInPlace: output of shape " + out.shape() + " does not match "
                    + rows.length + " rows of " + table.shape().dim(1) + " columns");
        }
        try (Tensor gathered = gatherRows(table, rows)) {
            copyInPlace(gathered, out);
        }
    }

    /**
     * {@code table[rows[i]] += values[i]} for every i (repeated rows accumulate).
     *
     * @throws IndexOutOfBoundsException if a row index is outside the table, naming it; nothing is written then
     */
    void scatterAddRowsInPlace(Tensor table, int[] rows, Tensor values);

    // ---- image windows (convolution and pooling) -------------------------------------------

    /**
     * im2col: writes into {@code patches} ({@link ImageWindow#patchShape}) every output pixel's
     * window of {@code images} ({@link ImageWindow#imageShape}), row {@code (n*outHeight + oy)*outWidth + ox},
     * columns ordered (ky, kx, channel), zeros where the window lies in the padding. A convolution
     * is then one matrix product of the patches with a weight {@code [outChannels, patchColumns]}.
     * The default composes {@link #gatherRows} ({@link WindowGathers}).
     *
     * @throws IllegalArgumentException if a shape does not match the window, naming it
     */
    default void im2colInPlace(Tensor images, ImageWindow window, Tensor patches) {
        WindowGathers.im2col(this, images, window, patches);
    }

    /**
     * col2im, the adjoint of {@link #im2colInPlace}: adds every patch value to the image element it
     * was read from ({@code images += im2col^T(patches)}; values read from the padding are dropped).
     * Where windows overlap the contributions are added in an unspecified order.
     *
     * @throws IllegalArgumentException if a shape does not match the window, naming it
     */
    default void col2imAddInPlace(Tensor patches, ImageWindow window, Tensor images) {
        WindowGathers.col2imAdd(this, patches, window, images);
    }

    /**
     * Max-pooling: {@code out} ({@link ImageWindow#pooledShape}) gets, per output pixel and channel,
     * the largest value of the window over the pixels inside the image (padding never wins;
     * {@code -infinity} for a window entirely in the padding); NaN if any of them is NaN.
     *
     * @throws IllegalArgumentException if a shape does not match the window, naming it
     */
    default void maxPoolInPlace(Tensor images, ImageWindow window, Tensor out) {
        WindowGathers.maxPool(this, images, window, out);
    }

    /**
     * The gradient of {@link #maxPoolInPlace}: for every output pixel and channel, adds
     * {@code outGrad} to {@code imageGrad} at the first window position (row-major (ky, kx) order)
     * whose value is {@code >=} the pooled value {@code out} (as PyTorch, which sends a tied window's
     * gradient to one position). {@code out} must be the pooled value of {@code images}. The default
     * composition passes a remainder through the positions, which turns a non-finite {@code outGrad}
     * into NaN at the window's later positions ({@code inf - inf}); {@code HeapBackend} does not.
     *
     * @throws IllegalArgumentException if a shape does not match the window, naming it
     */
    default void maxPoolBackwardAddInPlace(Tensor images, ImageWindow window, Tensor out, Tensor outGrad,
            Tensor imageGrad) {
        WindowGathers.maxPoolBackwardAdd(this, images, window, out, outGrad, imageGrad);
    }

    /**
     * Tiles of images into a transform domain: for every tile of {@code grid} and channel, the
     * {@code p x p} values {@code L d L^T} of the tile's {@code tileSize x tileSize} pixels {@code d}
     * (zeros outside the image), where {@code L} is the {@code p x tileSize} matrix {@code transform}
     * (row-major), are written to {@code tiles} ({@link ImageTiles#tilesShape}{@code (p)}). Winograd
     * convolution transforms its input ({@code L = B^T}), its filters ({@code L = G}, each filter an
     * image of one tile) and its output's gradient ({@code L = A}) this way. The default runs
     * {@link TileTransforms#imageToTiles} on host copies.
     *
     * @throws IllegalArgumentException if a shape does not match the grid or the transform is not a
     *     matrix of {@code tileSize} columns, naming it
     */
    default void imageToTilesInPlace(Tensor images, ImageTiles grid, float[] transform, Tensor tiles) {
        TileTransforms.checkImageToTiles(images, grid, transform, tiles);
        float[] out = new float[tiles.shape().size()];
        TileTransforms.imageToTiles(images.toArray(), grid, transform, out);
        tiles.copyFrom(out);
    }

    /**
     * The way back, and the adjoint of {@link #imageToTilesInPlace} for {@code R = L^T}: for every tile
     * of {@code grid} and channel, adds {@code R t R^T} of the tile's {@code p x p} values {@code t} in
     * {@code tiles} ({@link ImageTiles#tilesShape}{@code (p)}) to the tile's pixels of {@code images},
     * where {@code R} is the {@code tileSize x p} matrix {@code transform} (row-major); values falling
     * outside the image are dropped, and overlapping tiles add up (in an unspecified order). Winograd
     * convolution forms its output ({@code R = A^T}), its input's gradient ({@code R = B}) and its
     * filters' gradient ({@code R = G^T}) this way. The default runs {@link TileTransforms#tilesToImageAdd}
     * on host copies.
     *
     * @throws IllegalArgumentException if a shape does not match the grid or the transform is not a
     *     matrix of {@code tileSize} rows, naming it
     */
    default void tilesToImageAddInPlace(Tensor tiles, ImageTiles grid, float[] transform, Tensor images) {
        TileTransforms.checkTilesToImage(tiles, grid, transform, images);
        float[] out = images.toArray();
        TileTransforms.tilesToImageAdd(tiles.toArray(), grid, transform, out);
        images.copyFrom(out);
    }

    // ---- kernels ---------------------------------------------------------------------------

    /**
     * Compiles an elementwise kernel for this backend. Compiling is done once per kernel; each
     * {@link CompiledKernel#run} then makes one fused pass over the bound tensors.
     */
    CompiledKernel compile(Kernel kernel);

    /**
     * How many threads {@link CompiledKernel#run} uses on large tensors (1 if it never splits a
     * pass). Benchmarks measure their memory-bandwidth baseline with as many threads, so that a
     * kernel's fraction of the baseline compares like with like.
     */
    default int kernelThreads() {
        return 1;
    }

    /**
     * Whether several threads may use this backend at once, each on tensors of its own (writes) while
     * sharing others (reads only): creating tensors, primitives, compiling kernels and running
     * compiled kernels. Data-parallel training steps need it (each shard of a mini-batch runs its
     * forward and backward pass on its own thread); a backend that says no keeps them on one thread.
     * By default false.
     */
    default boolean concurrentUse() {
        return false;
    }

    /** Releases the backend's resources; tensors it created must not be used afterwards. */
    @Override
    default void close() {}
}
