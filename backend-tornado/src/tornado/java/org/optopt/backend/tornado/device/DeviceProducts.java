package org.optopt.backend.tornado.device;

import java.util.HashMap;
import java.util.Map;
import org.optopt.api.backend.BatchedGemmShape;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Matrix products on the device: {@code C[i] = alpha op(A[i]) op(B[i]) + beta C[i]} for a batch of
 * row-major matrices ({@code count == 1} for one product), one TornadoVM task per combination of
 * dimensions, transposes and whether {@code beta} is zero ({@link Product}), run through
 * {@link DevicePlans} like a compiled kernel: new tensors of a known shape reuse the compiled plan,
 * {@code C} stays on the device, and {@code A} and {@code B} are copied in at every run.
 *
 * <p>The task is a two-dimensional {@code @Parallel} loop over the rows of the batch's outputs and
 * their columns, each element's inner product summed in a loop over {@code k}. It computes the host
 * loop's floats ({@code HeapBackend}): the products are added in the same order, each rounded (the
 * backend turns TornadoVM's {@code fma} fusion off), a zero element of {@code A} skips its products
 * as the host's loop does, and {@code beta == 0} writes {@code alpha * sum} without reading
 * {@code C}, whose old contents (NaN included) then never reach the device. A tiled
 * ({@code KernelContext}) version with local memory would be faster on a GPU; it is not written,
 * because TornadoVM runs such kernels wrongly when they fall back to the host and this backend's
 * only device here is PoCL on a CPU, where tiling gains little.
 */
final class DeviceProducts {
    private final TornadoBackend owner;
    private final Map<Product, DevicePlans> plans = new HashMap<>();

    DeviceProducts(TornadoBackend owner) {
        this.owner = owner;
    }

    /**
     * Runs the batch of products of shape {@code s} over the tensors' memory; {@code c} must share
     * memory with neither operand, and none of the dimensions may be zero. Callers hold the
     * backend's lock.
     */
    void gemm(BatchedGemmShape s, float alpha, Storage a, boolean transposeA, Storage b, boolean transposeB,
            float beta, Storage c) {
        Product p = new Product(s.count(), s.m(), s.n(), s.k(), transposeA, transposeB, beta != 0f);
        plans.computeIfAbsent(p, q -> new DevicePlans(owner, q))
                .run(new Storage[] {a, b, c}, s.count() * s.m() * s.n(), new float[] {alpha, beta});
    }

    /** Frees every product's device memory (the backend is closing: nothing is copied back). */
    void close() {
        plans.values().forEach(DevicePlans::close);
        plans.clear();
    }

    /**
     * One product task: its dimensions, transposes and whether it reads {@code C} (beta non-zero).
     * Buffers: {@code A}, {@code B} (read), {@code C} (stored); uniforms {@code alpha, beta}.
     */
    record Product(int count, int m, int n, int k, boolean transposeA, boolean transposeB, boolean readsC)
            implements DeviceTask {
        @Override
        public String label() {
            return "Matrix product " + (count == 1 ? "" : count + " x ") + "[" + m + " x " + k + "]"
                    + (transposeA ? " (A transposed)" : "") + " by [" + k + " x " + n + "]"
                    + (transposeB ? " (B transposed)" : "");
        }

        @Override
        public int buffers() {
            return 3;
        }

        @Override
        public boolean stores(int b) {
            return b == 2;
        }

        @Override
        public boolean reads(int b) {
            return b < 2 || readsC;
        }

        @Override
        public int reductions() {
            return 0;
        }

        @Override
        public int uniforms() {
            return 2;
        }

        @Override
        public boolean packed() {
            return false;
        }

        @Override
        public void addTo(TaskGraph graph, Object[] arrays, float[] terms, float[] uniforms, int elements) {
            graph.task("g", DeviceProducts::gemm, (float[]) arrays[0], (float[]) arrays[1], (float[]) arrays[2],
                    uniforms, count, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0, readsC ? 1 : 0);
        }
    }

    /**
     * The device task: {@code c[i] = u[0] op(a[i]) op(b[i]) (+ u[1] c[i] if readC)} for the
     * {@code count} matrices of the batch, stored one after another; transposes and {@code readC}
     * are 0 or 1.
     */
    static void gemm(float[] a, float[] b, float[] c, float[] u, int count, int m, int n, int k, int transposeA,
            int transposeB, int readC) {
        for (@Parallel int row = 0; row < count * m; row++) {
            for (@Parallel int j = 0; j < n; j++) {
                int matrix = row / m;
                int i = row - matrix * m;
                int aBase = matrix * m * k;
                int bBase = matrix * k * n;
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float x = transposeA == 1 ? a[aBase + p * m + i] : a[aBase + i * k + p];
                    if (x != 0f) {
                        float y = transposeB == 1 ? b[bBase + j * k + p] : b[bBase + p * n + j];
                        sum += x * y;
                    }
                }
                int at = row * n + j;
                c[at] = readC == 1 ? u[0] * sum + u[1] * c[at] : u[0] * sum;
            }
        }
    }
}
