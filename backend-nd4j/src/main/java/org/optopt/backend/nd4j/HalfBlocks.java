package org.optopt.backend.nd4j;

/**
 * The binary16 conversions of a block of a float16 buffer to and from a float scratch array, for the
 * vector loops of kernels with float16 buffers ({@link VectorLoopEmitter}). Plain loops of the JDK's
 * conversions: HotSpot makes both intrinsics and C2 vectorizes the loops (F16C on x86, about 9 us per
 * 100,352 elements either way in the cache), and they are bit-exact with the scalar loops by construction.
 *
 * <p>Why methods of their own, called per block, and not loops inside the generated {@code run}: with
 * the loops inlined into {@code run} beside the vector loop, one {@code optopt bench probes} run in five
 * took 1.6-1.7 ms for the float16 autocorrelation probe instead of 0.15 ms (the vector loop left
 * uncompiled or with its vector operations as calls); a call per block of 1024 elements costs nothing
 * measurable.
 */
final class HalfBlocks {
    private HalfBlocks() {}

    /** {@code floats[k - from] = Float.float16ToFloat(halves[k])} for k in [from, to). */
    static void toFloats(short[] halves, float[] floats, int from, int to) {
        for (int k = from; k < to; k++) {
            floats[k - from] = Float.float16ToFloat(halves[k]);
        }
    }

    /** {@code halves[k] = Float.floatToFloat16(floats[k - from])} for k in [from, to): to nearest, ties to even. */
    static void toHalves(float[] floats, short[] halves, int from, int to) {
        for (int k = from; k < to; k++) {
            halves[k] = Float.floatToFloat16(floats[k - from]);
        }
    }
}
