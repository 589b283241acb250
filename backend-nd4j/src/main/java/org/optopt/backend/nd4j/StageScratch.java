package org.optopt.backend.nd4j;

/**
 * The scratch arrays of staged kernels ({@link KernelStages}), kept per thread and grown on demand.
 *
 * <p>A stage writes a local at element {@code i} of its scratch array and a later stage reads it
 * back at {@code i}, the index of the kernel's buffers, although only one block of the array is in
 * use at a time. An array of one block indexed by {@code i - base} would do with 4 KiB, but C2 then
 * cannot rule out that the scratch array is one of the buffers at another offset, and vectorizes
 * neither stage (a two-stage chain of multiply-adds over 802,816 elements: 3.2 ms with block-sized
 * scratch, 0.33 ms indexed by {@code i}, 1.3 ms unstaged). So each array is as long as the range of
 * the kernel's call; only its current block is hot in the cache.
 */
final class StageScratch {
    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[0][]);

    private StageScratch() {}

    /**
     * {@code count} distinct arrays of at least {@code length} floats for the calling thread, with
     * arbitrary contents; valid until the thread's next call.
     */
    static float[][] arrays(int count, int length) {
        float[][] arrays = ARRAYS.get();
        if (arrays.length < count) {
            float[][] more = new float[count][];
            System.arraycopy(arrays, 0, more, 0, arrays.length);
            arrays = more;
            ARRAYS.set(arrays);
        }
        for (int k = 0; k < count; k++) {
            if (arrays[k] == null || arrays[k].length < length) {
                arrays[k] = new float[length];
            }
        }
        return arrays;
    }
}
