package org.optopt.backend.nd4j;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species of the loops that {@link VectorLoopEmitter} generates, and the sum of a double
 * vector's lanes. Floats are processed {@link #LANES} at a time, as many as the machine's preferred
 * double vector holds (4 with AVX2, 8 with AVX-512, 2 with NEON), so that each float vector widens
 * into one double vector.
 *
 * <p>Why half-width float vectors: a sum's float terms must be widened to double (the kernel
 * language sums in double), and a full-width float vector widens into two double vectors; C2
 * compiles the second half ({@code convertShape(F2D, species, 1)}) poorly (measured 1.09 ms against
 * 0.073 ms for the autocorrelation probe's five sums over 100,352 elements, AVX2), while the
 * elementwise float work of such loops is not what limits them.
 *
 * <p>The generated loops call the Vector API's own methods, which the JDK marks to be inlined
 * always, not helpers here: C2's heuristics may leave an ordinary helper as a call, and a vector
 * operation left as a call allocates its vectors. With helpers for load, broadcast and accumulate,
 * one of about eight {@code optopt bench probes} runs took 1.9 ms for the autocorrelation probe
 * fused into Adam (0.12-0.13 ms in the others, and in every run since the helpers went).
 */
final class VectorOps {
    /** Double lanes of the machine's preferred vector shape. */
    static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** Float lanes of half that shape: as many lanes as {@link #DOUBLES}. */
    static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    /** Elements per vector. */
    static final int LANES = DOUBLES.length();

    private VectorOps() {}

    /**
     * The lanes of {@code sums} added in lane order, a fixed order (unlike {@code reduceLanes(ADD)},
     * whose order the Vector API leaves open), so that results do not depend on JIT compilation.
     * Called once per sum after a loop.
     */
    static double total(DoubleVector sums) {
        double total = 0;
        for (double lane : sums.toArray()) {
            total += lane;
        }
        return total;
    }
}
