package org.example.backend;

import org.optopt.api.backend.support.GemmShape;
import org.optopt.api.backend.support.HeapBackend;
import org.optopt.api.tensor.Tensor;

/**
 * An example third-party backend: every primitive from {@link HeapBackend} (plain Java over heap arrays),
 * except matrix products, which this backend computes as dot products accumulated in double, so that
 * they are exact to float rounding of the result. {@link GemmShape} validates the operands with the
 * messages the conformance kit expects.
 */
public final class ExactGemmBackend extends HeapBackend {
    @Override
    public String name() {
        return ExactGemmBackendProvider.NAME;
    }

    @Override
    public void gemmInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, float beta,
            Tensor c) {
        GemmShape g = GemmShape.of(a, transposeA, b, transposeB, c);
        float[] x = data(a, "gemm A");
        float[] y = data(b, "gemm B");
        float[] z = data(c, "gemm C");
        int lda = a.shape().dim(1);
        int ldb = b.shape().dim(1);
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                double sum = 0;
                for (int p = 0; p < g.k(); p++) {
                    double av = transposeA ? x[p * lda + i] : x[i * lda + p];
                    double bv = transposeB ? y[j * ldb + p] : y[p * ldb + j];
                    sum += av * bv;
                }
                int at = i * g.n() + j;
                z[at] = (float) (beta == 0f ? alpha * sum : alpha * sum + (double) beta * z[at]);
            }
        }
    }
}
