package org.optopt.api.backend.support;

import org.optopt.api.tensor.Shape;

/** NumPy broadcasting of two shapes: the result shape and the index maps into each operand. */
public final class Broadcast {
    private final Shape result;
    private final int[] outDims;
    private final int[] stridesA;
    private final int[] stridesB;

    private Broadcast(Shape result, int[] stridesA, int[] stridesB) {
        this.result = result;
        this.outDims = result.dims();
        this.stridesA = stridesA;
        this.stridesB = stridesB;
    }

    /**
     * Broadcasts {@code a} against {@code b}.
     *
     * @throws IllegalArgumentException if a dimension pair is neither equal nor contains a 1
     */
    public static Broadcast of(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        int[] sa = new int[rank];
        int[] sb = new int[rank];
        int strideA = 1;
        int strideB = 1;
        for (int k = rank - 1; k >= 0; k--) {
            int ia = k - (rank - a.rank());
            int ib = k - (rank - b.rank());
            int da = ia >= 0 ? a.dim(ia) : 1;
            int db = ib >= 0 ? b.dim(ib) : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("Shapes " + a + " and " + b + " cannot be broadcast: dimension "
                        + k + " is " + da + " vs " + db);
            }
            out[k] = Math.max(da, db);
            if (da == 0 || db == 0) {
                out[k] = 0;
            }
            sa[k] = da == 1 ? 0 : strideA;
            sb[k] = db == 1 ? 0 : strideB;
            strideA *= da;
            strideB *= db;
        }
        return new Broadcast(Shape.of(out), sa, sb);
    }

    /** The broadcast result shape. */
    public Shape result() {
        return result;
    }

    /** For each flat index of the result, the flat index into operand a. */
    public int[] indexA() {
        return index(stridesA);
    }

    /** For each flat index of the result, the flat index into operand b. */
    public int[] indexB() {
        return index(stridesB);
    }

    private int[] index(int[] strides) {
        int n = result.size();
        int[] idx = new int[n];
        int rank = outDims.length;
        int[] counter = new int[rank];
        int offset = 0;
        for (int i = 0; i < n; i++) {
            idx[i] = offset;
            for (int k = rank - 1; k >= 0; k--) {
                counter[k]++;
                offset += strides[k];
                if (counter[k] < outDims[k]) {
                    break;
                }
                offset -= strides[k] * counter[k];
                counter[k] = 0;
            }
        }
        return idx;
    }
}
