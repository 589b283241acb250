package org.optopt.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.TestData;

/** The default batched product (gathers, products, scatters: what a backend that does not override it runs). */
class BatchedGemmsTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void composedBatchEqualsOneProductPerMatrix() {
        int count = 3;
        int m = 4;
        int n = 5;
        int k = 6;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Shape aShape = ta ? Shape.of(count, k, m) : Shape.of(count, m, k);
                Shape bShape = tb ? Shape.of(count, n, k) : Shape.of(count, k, n);
                try (Tensor a = be.fromArray(TestData.normal(count * m * k, 1), aShape);
                        Tensor b = be.fromArray(TestData.normal(count * k * n, 2), bShape);
                        Tensor c = be.fromArray(TestData.normal(count * m * n, 3), Shape.of(count, m, n));
                        Tensor expected = be.copy(c)) {
                    BatchedGemms.compose(be, 1.5f, a, ta, b, tb, -0.5f, c);
                    be.gemmBatchedInPlace(1.5f, a, ta, b, tb, -0.5f, expected);
                    float[] got = c.toArray();
                    float[] want = expected.toArray();
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(want[i], got[i], 1e-5f * (1 + Math.abs(want[i])), "element " + i);
                    }
                }
            }
        }
    }
}
