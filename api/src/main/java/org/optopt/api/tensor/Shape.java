package org.optopt.api.tensor;

import java.util.Arrays;

/**
 * The dimensions of a row-major tensor. A shape of rank 0 is a scalar (one element); a shape
 * with a zero dimension is empty (no elements).
 *
 * <p>Instances are immutable; {@link #dims()} returns a copy.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException(
                        "Shape " + Arrays.toString(dims) + ": dimension " + i + " is negative");
            }
            n *= dims[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "Shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        this.dims = dims;
        this.size = (int) n;
    }

    /** A shape with the given dimensions, outermost first. */
    public static Shape of(int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** The rank-0 shape of a single value. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** A rank-1 shape of {@code n} elements. */
    public static Shape vector(int n) {
        return new Shape(new int[] {n});
    }

    /** A rank-2 shape of {@code rows} by {@code cols}. */
    public static Shape matrix(int rows, int cols) {
        return new Shape(new int[] {rows, cols});
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code axis}; a negative axis counts from the end. */
    public int dim(int axis) {
        int a = axis < 0 ? dims.length + axis : axis;
        if (a < 0 || a >= dims.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " of shape " + this);
        }
        return dims[a];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int size() {
        return size;
    }

    /** Throws an {@link IllegalArgumentException} naming {@code what} unless this shape has the given rank. */
    public void requireRank(int rank, String what) {
        if (dims.length != rank) {
            throw new IllegalArgumentException(what + " must have rank " + rank + " but has shape " + this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Formats as {@code [2, 3]}; a scalar prints as {@code []}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
