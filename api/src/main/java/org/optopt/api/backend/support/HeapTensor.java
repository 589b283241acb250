package org.optopt.api.backend.support;

import java.util.Objects;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A tensor stored in a Java {@code float[]} on the heap, for backends built on {@link HeapBackend}.
 * Several tensors may share one array (see {@link org.optopt.api.backend.Backend#reshape}).
 */
public final class HeapTensor implements Tensor {
    private final Object owner;
    private final Shape shape;
    private final float[] data;
    private volatile boolean closed;

    /**
     * Wraps {@code data} without copying.
     *
     * @param owner the backend that created the tensor (checked by {@link #of(Object, Tensor, String)})
     * @throws IllegalArgumentException if the array length differs from the shape's size
     */
    public HeapTensor(Object owner, Shape shape, float[] data) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (data.length != shape.size()) {
            throw new IllegalArgumentException(
                    "Data of " + data.length + " elements does not fit shape " + shape + " (" + shape.size() + ")");
        }
        this.data = data;
    }

    /**
     * The heap tensor behind {@code t}, checked to be open and owned by {@code owner}.
     *
     * @param what names the argument in error messages
     */
    public static HeapTensor of(Object owner, Tensor t, String what) {
        Objects.requireNonNull(t, what);
        if (!(t instanceof HeapTensor h) || h.owner != owner) {
            throw new IllegalArgumentException(what + " was not created by this backend");
        }
        if (h.closed) {
            throw new IllegalStateException(what + " (shape " + h.shape + ") is closed");
        }
        return h;
    }

    /** The backing array (shared, not copied). */
    public float[] data() {
        return data;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public float[] toArray() {
        checkOpen();
        return data.clone();
    }

    @Override
    public void copyFrom(float[] source) {
        checkOpen();
        if (source.length != data.length) {
            throw new IllegalArgumentException(
                    "copyFrom: " + source.length + " values for a tensor of shape " + shape + " (" + data.length + ")");
        }
        System.arraycopy(source, 0, data, 0, data.length);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Tensor of shape " + shape + " is closed");
        }
    }

    @Override
    public String toString() {
        return "HeapTensor" + shape + (closed ? " (closed)" : "");
    }
}
