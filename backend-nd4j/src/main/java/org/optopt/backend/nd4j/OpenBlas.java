package org.optopt.backend.nd4j;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The OpenBLAS library bundled with ND4J (JavaCPP's {@code openblas_nolapack}), loaded by JavaCPP
 * and called through the FFM API with {@link Linker.Option#critical(boolean) critical} downcalls
 * that pass heap {@code float[]} segments without copying.
 *
 * <p>Measured on this machine class (AVX-512 EPYC, 1 OpenBLAS thread, JDK 25, row-major,
 * median of 3 runs of 1,550-93,896 calls after warm-up):
 * <table>
 *   <caption>cblas_sgemm per call</caption>
 *   <tr><th>m x k x n</th><th>FFM critical, heap arrays</th><th>JavaCPP {@code float[]} overload</th></tr>
 *   <tr><td>128 x 784 x 128</td><td>221 us (116 GFLOP/s)</td><td>254 us (101 GFLOP/s)</td></tr>
 *   <tr><td>128 x 128 x 784</td><td>197 us (130 GFLOP/s)</td><td>246 us (104 GFLOP/s)</td></tr>
 *   <tr><td>128 x 128 x 10</td><td>5.2 us (63 GFLOP/s)</td><td>7.9 us (41 GFLOP/s)</td></tr>
 * </table>
 * JavaCPP copies (or pins through JNI) every array per call; the FFM path is faster on every
 * shape, so it is the only one kept.
 *
 * <p>Touching this class loads the native library. Its static initializer first lets this module
 * read the class-path (unnamed) module where JavaCPP and ND4J live.
 */
final class OpenBlas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private static final MethodHandle SGEMM;
    private static final MethodHandle SET_NUM_THREADS;

    static {
        ClassPathAccess.open();
        Loader.load(openblas_nolapack.class);
        SymbolLookup library = lookup(libraryPath(Loader.getLoadedLibraries()));
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        var p = ValueLayout.ADDRESS;
        SGEMM = downcall(find(library, "cblas_sgemm"),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i), Linker.Option.critical(true));
        SET_NUM_THREADS = downcall(find(library, "openblas_set_num_threads"), FunctionDescriptor.ofVoid(i));
    }

    private OpenBlas() {}

    /** The file of the BLAS library among those JavaCPP loaded (key {@code openblas_nolapack@.0}). */
    private static Path libraryPath(Map<String, String> loaded) {
        return loaded.entrySet().stream()
                .filter(e -> e.getKey().startsWith("openblas_nolapack@"))
                .map(e -> Path.of(e.getValue()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "JavaCPP loaded no openblas_nolapack library; loaded libraries: " + loaded.keySet()));
    }

    /** Restricted FFM method: this module must be granted native access ({@code --enable-native-access}). */
    @SuppressWarnings("restricted")
    private static SymbolLookup lookup(Path library) {
        return SymbolLookup.libraryLookup(library, Arena.global());
    }

    /** Restricted FFM method, as {@link #lookup(Path)}. */
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(MemorySegment symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        return Linker.nativeLinker().downcallHandle(symbol, descriptor, options);
    }

    private static MemorySegment find(SymbolLookup library, String symbol) {
        return library.find(symbol).orElseThrow(
                () -> new IllegalStateException("OpenBLAS has no symbol " + symbol));
    }

    /** Makes sure the library is loaded (class initialization does the work). */
    static void load() {
        // Reaching this method has run the static initializer.
    }

    /** Sets OpenBLAS's thread count; the setting is global to the process. */
    static void setThreads(int threads) {
        try {
            SET_NUM_THREADS.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads(" + threads + ") failed", t);
        }
    }

    /**
     * Row-major {@code c = alpha * op(a) * op(b) + beta * c} with {@code op(a)} of {@code m x k} and
     * {@code op(b)} of {@code k x n}; all dimensions must be positive and {@code c} must not share
     * memory with {@code a} or {@code b}.
     *
     * @param lda columns of {@code a} as stored
     * @param ldb columns of {@code b} as stored
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda,
            float[] b, int ldb, float beta, float[] c) {
        sgemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0);
    }

    /**
     * The product above on matrices that start at the given element offsets of their arrays.
     *
     * <p>{@code beta == 0} is passed to OpenBLAS as {@code beta = 1} on a {@code c} zeroed here: the
     * same float operations ({@code c = 0 + alpha * op(a) op(b)}, the old contents ignored, NaN
     * included), and faster on every shape measured (one thread, 2-vCPU AMD EPYC, median us per call,
     * OpenBLAS's {@code beta = 0} against zero-fill and {@code beta = 1}): {@code 128 x 64 x 784}
     * (mnist-mlp's first-layer weight gradient) 191 against 167; {@code 64 x 10 x 128} 5.8 against
     * 3.7; {@code 128 x 10 x 128} 10.8 against 6.5; {@code 2500 x 128 x 512} 3746 against 3499;
     * {@code 3136 x 288 x 64} 1469 against 1420. OpenBLAS zeroes {@code c} in a separate pass of
     * scalar stores before its kernel adds the product; {@link Arrays#fill} stores whole vectors.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
            int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset) {
        if (beta == 0f) {
            Arrays.fill(c, cOffset, cOffset + m * n, 0f);
        }
        try {
            SGEMM.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    slice(a, aOffset), lda, slice(b, bOffset), ldb, beta == 0f ? 1f : beta, slice(c, cOffset), n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    private static MemorySegment slice(float[] array, int offset) {
        MemorySegment whole = MemorySegment.ofArray(array);
        return offset == 0 ? whole : whole.asSlice((long) offset * Float.BYTES);
    }
}
