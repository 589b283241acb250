package org.optopt.api.tensor;

/**
 * A dense tensor in row-major order, owned by the backend that created it, storing float32 elements
 * or, where created so, float16 ones ({@link #precision()}); its host copies are float either way.
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

    /** How the elements are stored; {@link Precision#FLOAT32} unless created otherwise. */
    default Precision precision() {
        return Precision.FLOAT32;
    }

    /** Copies all elements to a new host array (row-major), each as its float value. */
    float[] toArray();

    /**
     * Overwrites all elements from a host array (row-major), each rounded to the tensor's
     * {@linkplain #precision() precision} (to nearest even).
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
