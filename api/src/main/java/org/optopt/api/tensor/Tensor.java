package org.optopt.api.tensor;

/**
 * A dense float32 tensor in row-major order, owned by the backend that created it.
 *
 * <p>A tensor holds backend memory until it is {@linkplain #close() closed}; every later use of a
 * closed tensor fails with an {@link IllegalStateException} naming it. Tensors are mutable: kernels
 * and the in-place primitives (whose names end in {@code InPlace}) overwrite them.
 */
public interface Tensor extends AutoCloseable {

    /** The dimensions of this tensor. */
    Shape shape();

    /** Number of elements, {@code shape().size()}. */
    default int size() {
        return shape().size();
    }

    /** Copies all elements to a new host array (row-major). */
    float[] toArray();

    /**
     * Overwrites all elements from a host array (row-major).
     *
     * @throws IllegalArgumentException if {@code data.length != size()}
     */
    void copyFrom(float[] data);

    /** The single element of a tensor of size 1. */
    default float item() {
        if (size() != 1) {
            throw new IllegalStateException("item() needs a tensor of one element, not shape " + shape());
        }
        return toArray()[0];
    }

    /** Whether {@link #close()} has been called. */
    boolean isClosed();

    /** Releases the tensor's memory; closing twice is allowed and does nothing. */
    @Override
    void close();
}
