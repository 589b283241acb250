package org.optopt.backend.nd4j;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.optopt.api.kernel.ReduceOp;

/**
 * The vector species of the loops that {@link VectorLoopEmitter} generates, and the totals of their
 * sums.
 *
 * <p>Loops with sums in double process floats {@link #LANES} at a time, as many as the machine's
 * preferred double vector holds (4 with AVX2, 8 with AVX-512, 2 with NEON), so that each float vector
 * widens into one double vector: a full-width float vector widens into two, and C2 compiles the
 * second half ({@code convertShape(F2D, species, 1)}) poorly (measured 1.09 ms against 0.073 ms for
 * the autocorrelation probe's five sums over 100,352 elements, AVX2). Loops whose sums may add float
 * partials ({@link org.optopt.api.kernel.ReduceOp#FLOAT_PARTIAL_SUM}) widen nothing and process
 * {@link #FULL_LANES} floats at a time, storing each sum's float vector as partials every {@link #CHUNK}
 * iterations ({@link #partials}); {@link #total(float[], int)} adds them in double. Scratch harness,
 * same kernel, data in the cache: 33 us with partials of 32 terms, 43 us of 16, 31 us of 64.
 *
 * <p>The generated loops call the Vector API's own methods, which the JDK marks to be inlined
 * always, not helpers here: C2's heuristics may leave an ordinary helper as a call, and a vector
 * operation left as a call allocates its vectors. With helpers for load, broadcast and accumulate,
 * one of about eight {@code optopt bench probes} runs took 1.9 ms for the autocorrelation probe
 * fused into Adam (0.12-0.13 ms in the others, and in every run since the helpers went). The totals
 * here run once per sum after a loop.
 */
final class VectorOps {
    /** Double lanes of the machine's preferred vector shape. */
    static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** Float lanes of half that shape: as many lanes as {@link #DOUBLES}. */
    static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    /** Elements per vector of a loop with sums in double. */
    static final int LANES = DOUBLES.length();
    /** Float lanes of the machine's preferred vector shape. */
    static final VectorSpecies<Float> FULL_FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Elements per vector of a loop with float partial sums. */
    static final int FULL_LANES = FULL_FLOATS.length();
    /** Iterations (terms per lane) a float vector sum accumulates before its lanes are stored as partials. */
    static final int CHUNK = ReduceOp.FLOAT_PARTIAL_TERMS;

    private static final ThreadLocal<float[][]> PARTIALS = ThreadLocal.withInitial(() -> new float[0][]);

    private VectorOps() {}

    /**
     * {@code count} distinct arrays of the calling thread, each long enough for the partial sums of
     * a vector loop over {@code elements} elements ({@link #FULL_LANES} per {@link #CHUNK} vectors); valid
     * until the thread's next call.
     */
    static float[][] partials(int count, int elements) {
        int length = (elements / (FULL_LANES * CHUNK) + 1) * FULL_LANES;
        float[][] arrays = PARTIALS.get();
        if (arrays.length < count) {
            arrays = Arrays.copyOf(arrays, count);
            PARTIALS.set(arrays);
        }
        for (int k = 0; k < count; k++) {
            if (arrays[k] == null || arrays[k].length < length) {
                arrays[k] = new float[length];
            }
        }
        return arrays;
    }

    /**
     * The lanes of {@code sums} added in lane order, a fixed order (unlike {@code reduceLanes(ADD)},
     * whose order the Vector API leaves open), so that results do not depend on JIT compilation.
     */
    static double total(DoubleVector sums) {
        double total = 0;
        for (double lane : sums.toArray()) {
            total += lane;
        }
        return total;
    }

    /**
     * The sum in double of the first {@code used} partials in a fixed order: partial {@code j} is
     * widened into lane {@code j mod LANES} of a double vector (exactly), whose lanes are added in
     * lane order ({@link #total(DoubleVector)}), then the last partials (fewer than a vector) one by one.
     * A vector loop over 100,352 elements leaves about 3,100 partials per sum; four scalar chains
     * took about 1 us per sum for them.
     */
    static double total(float[] partials, int used) {
        DoubleVector sums = DoubleVector.zero(DOUBLES);
        int j = 0;
        for (; j <= used - LANES; j += LANES) {
            sums = sums.add(FloatVector.fromArray(FLOATS, partials, j).convertShape(VectorOperators.F2D, DOUBLES, 0));
        }
        double total = total(sums);
        for (; j < used; j++) {
            total += partials[j];
        }
        return total;
    }
}
