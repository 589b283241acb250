package org.optopt.api.backend.support;

import java.util.Objects;
import org.optopt.api.tensor.Precision;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A tensor stored in a Java {@code float[]} on the heap, for backends built on {@link HeapBackend};
 * a {@link Precision#FLOAT16} tensor in a {@code short[]} of binary16 bits instead. Several tensors
 * may share one array (see {@link org.optopt.api.backend.Backend#reshape}).
 */
public final class HeapTensor implements Tensor {
    private final Object owner;
    private final Shape shape;
    /** The elements of a float32 tensor, else null. */
    private final float[] data;
    /** The binary16 bits of a float16 tensor's elements, else null. */
    private final short[] halves;
    private volatile boolean closed;

    /**
     * Wraps {@code data} without copying.
     *
     * @param owner the backend that created the tensor (checked by {@link #of(Object, Tensor, String)})
     * @throws IllegalArgumentException if the array length differs from the shape's size
     */
    public HeapTensor(Object owner, Shape shape, float[] data) {
        this(owner, shape, data, null, data.length);
    }

    /**
     * Wraps the binary16 bits {@code halves} of a float16 tensor without copying.
     *
     * @throws IllegalArgumentException if the array length differs from the shape's size
     */
    public HeapTensor(Object owner, Shape shape, short[] halves) {
        this(owner, shape, null, halves, halves.length);
    }

    private HeapTensor(Object owner, Shape shape, float[] data, short[] halves, int length) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (length != shape.size()) {
            throw new IllegalArgumentException(
                    "Data of " + length + " elements does not fit shape " + shape + " (" + shape.size() + ")");
        }
        this.data = data;
        this.halves = halves;
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

    /**
     * The backing array of a float32 tensor (shared, not copied).
     *
     * @throws IllegalStateException if the tensor is float16 ({@link #halves()})
     */
    public float[] data() {
        if (data == null) {
            throw new IllegalStateException("Tensor of shape " + shape + " is float16, not float32");
        }
        return data;
    }

    /**
     * The backing binary16 bits of a float16 tensor (shared, not copied).
     *
     * @throws IllegalStateException if the tensor is float32 ({@link #data()})
     */
    public short[] halves() {
        if (halves == null) {
            throw new IllegalStateException("Tensor of shape " + shape + " is float32, not float16");
        }
        return halves;
    }

    /** The backing array, a {@code float[]} or (float16) a {@code short[]}, shared, not copied. */
    public Object array() {
        return data != null ? data : halves;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public Precision precision() {
        return data != null ? Precision.FLOAT32 : Precision.FLOAT16;
    }

    @Override
    public float[] toArray() {
        checkOpen();
        if (data != null) {
            return data.clone();
        }
        float[] out = new float[halves.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.float16ToFloat(halves[i]);
        }
        return out;
    }

    @Override
    public void copyFrom(float[] source) {
        checkOpen();
        if (source.length != size()) {
            throw new IllegalArgumentException(
                    "copyFrom: " + source.length + " values for a tensor of shape " + shape + " (" + size() + ")");
        }
        if (data != null) {
            System.arraycopy(source, 0, data, 0, data.length);
        } else {
            for (int i = 0; i < halves.length; i++) {
                halves[i] = Float.floatToFloat16(source[i]);
            }
        }
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
        return "HeapTensor" + shape + (data == null ? " float16" : "") + (closed ? " (closed)" : "");
    }
}
