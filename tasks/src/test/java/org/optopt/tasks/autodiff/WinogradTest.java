package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class WinogradTest {
    private final Backend be = GradCheck.backend();

    /** A^T[(G g) . (B^T d)] is the 1-D correlation y_i = sum_k d_{i+k} g_k, in double. */
    @ParameterizedTest(name = "F({0}, {1})")
    @CsvSource({"1, 1", "2, 3", "4, 3", "6, 3", "2, 5", "3, 5", "4, 5", "3, 2", "1, 7", "8, 5"})
    void transformComputesTheCorrelation(int m, int r) {
        WinogradTransform t = WinogradTransform.of(m, r);
        int n = m + r - 1;
        assertEquals(n, t.inputTile());
        double[] at = t.at();
        double[] g = t.g();
        double[] bt = t.bt();
        SplittableRandom rnd = new SplittableRandom(7 * m + r);
        for (int trial = 0; trial < 5; trial++) {
            double[] d = new double[n];
            double[] f = new double[r];
            for (int i = 0; i < n; i++) {
                d[i] = rnd.nextInt(-9, 10);
            }
            for (int k = 0; k < r; k++) {
                f[k] = rnd.nextInt(-9, 10);
            }
            double[] product = new double[n];
            for (int j = 0; j < n; j++) {
                double gf = 0;
                double bd = 0;
                for (int k = 0; k < r; k++) {
                    gf += g[j * r + k] * f[k];
                }
                for (int l = 0; l < n; l++) {
                    bd += bt[j * n + l] * d[l];
                }
                product[j] = gf * bd;
            }
            for (int i = 0; i < m; i++) {
                double y = 0;
                for (int j = 0; j < n; j++) {
                    y += at[i * n + j] * product[j];
                }
                double expected = 0;
                for (int k = 0; k < r; k++) {
                    expected += d[i + k] * f[k];
                }
                assertEquals(expected, y, 1e-9 * (1 + Math.abs(expected)), "F(" + m + ", " + r + ") output " + i);
            }
        }
    }

    @Test
    void lavinsF23IsReproduced() {
        WinogradTransform t = WinogradTransform.of(2, 3);
        // Lavin and Gray (2016), eq. 7 (points 0, 1, -1 and infinity in that order), except that the
        // infinity point's column of A^T and row of B^T have the opposite sign (their product is the same)
        assertArrayEquals(new double[] {1, 1, 1, 0, 0, 1, -1, 1}, t.at());
        assertArrayEquals(new double[] {1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1}, t.g());
        assertArrayEquals(new double[] {1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, -1, 0, 1}, t.bt());
    }

    private static void assertArrayEquals(double[] expected, double[] got) {
        assertEquals(expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-12, "element " + i);
        }
    }

    /** Forward, input gradient, weight and bias gradients against a naive double-precision convolution. */
    @ParameterizedTest(name = "kernel {0}, padding {1}, tile {2}")
    @CsvSource({"3, 0, 0", "3, 1, 0", "3, 2, 0", "5, 0, 0", "5, 1, 0", "5, 2, 0", "3, 1, 2", "5, 2, 3",
        "5, 2, 4", "2, 1, 3", "1, 0, 2"})
    void matchesANaiveConvolutionForwardAndBackward(int k, int pad, int tile) {
        ImageShape in = new ImageShape(3, 7, 9, 3);
        int o = 4;
        ImageShape out = Conv.outputShape(in, k, k, 1, pad, o);
        float[] x = uniform(in.rows() * in.channels(), 11);
        float[] w = uniform(o * k * k * in.channels(), 12);
        float[] b = uniform(o, 13);
        float[] r = uniform(out.rows() * o, 14);
        ConvAlgorithm algorithm = new ConvAlgorithm(ConvAlgorithm.Kind.WINOGRAD, tile);
        try (Tape tape = new Tape(be); Tensor wt = be.fromArray(w, Shape.matrix(o, k * k * in.channels()));
                Tensor wg = be.zeros(wt.shape()); Tensor bt = be.fromArray(b, Shape.vector(o));
                Tensor bg = be.zeros(bt.shape())) {
            Var xv = tape.variable(be.fromArray(x, in.matrix()));
            Var y = Conv.conv2d(xv, in, tape.parameter(wt, wg), tape.parameter(bt, bg), k, k, 1, pad, algorithm);
            tape.backward(Sums.sum(Elementwise.mul(y, tape.constant(be.fromArray(r, Shape.matrix(out.rows(), o))))));
            double[] yRef = new double[out.rows() * o];
            double[] gx = new double[x.length];
            double[] gw = new double[w.length];
            double[] gb = new double[o];
            for (int n = 0; n < in.batch(); n++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    for (int ox = 0; ox < out.width(); ox++) {
                        for (int oc = 0; oc < o; oc++) {
                            int yi = out.row(n, oy, ox) * o + oc;
                            yRef[yi] = b[oc];
                            gb[oc] += r[yi];
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy - pad + ky;
                                    int ix = ox - pad + kx;
                                    if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) {
                                        continue;
                                    }
                                    for (int c = 0; c < in.channels(); c++) {
                                        int xi = in.row(n, iy, ix) * in.channels() + c;
                                        int wi = ((oc * k + ky) * k + kx) * in.channels() + c;
                                        yRef[yi] += (double) x[xi] * w[wi];
                                        gx[xi] += (double) r[yi] * w[wi];
                                        gw[wi] += (double) r[yi] * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assertClose(yRef, y.value().toArray(), "output");
            assertClose(gx, xv.grad().toArray(), "input gradient");
            assertClose(gw, wg.toArray(), "weight gradient");
            assertClose(gb, bg.toArray(), "bias gradient");
        }
    }

    /** Within 1e-4 of the largest reference magnitude (float rounding of the transforms included). */
    private static void assertClose(double[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        double max = 0;
        for (double e : expected) {
            max = Math.max(max, Math.abs(e));
        }
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-4 * (1 + max), what + " element " + i);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        ImageShape in = new ImageShape(2, 5, 6, 3);
        Tensor x = be.fromArray(uniform(in.rows() * in.channels(), 21), in.matrix());
        Tensor w = be.fromArray(uniform(2 * 9 * 3, 22), Shape.matrix(2, 27));
        Tensor b = be.fromArray(uniform(2, 23), Shape.vector(2));
        ConvAlgorithm f23 = new ConvAlgorithm(ConvAlgorithm.Kind.WINOGRAD, 2);
        check(be, v -> Conv.conv2d(v[0], in, v[1], v[2], 3, 3, 1, 1, f23), x, w, b);
        Tensor w5 = be.fromArray(uniform(2 * 25 * 3, 24), Shape.matrix(2, 75));
        check(be, v -> Conv.conv2d(v[0], in, v[1], null, 5, 5, 1, 2, ConvAlgorithm.parse("winograd")), x, w5);
    }

    @Test
    void autoTakesWinogradOnlyWhereItPays() {
        assertTrue(Winograd.pays(new ImageShape(128, 14, 14, 32), 5, 5, 1));
        assertTrue(!Winograd.pays(new ImageShape(128, 28, 28, 1), 5, 5, 1), "one input channel");
        assertTrue(!Winograd.pays(new ImageShape(128, 14, 14, 32), 5, 5, 2), "stride 2");
        assertTrue(!Winograd.pays(new ImageShape(128, 14, 14, 32), 5, 3, 1), "not square");
    }

    @Test
    void algorithmsParseAndBadNamesAreRejected() {
        assertEquals(ConvAlgorithm.AUTO, ConvAlgorithm.parse("auto"));
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.parse(" IM2COL "));
        assertEquals(new ConvAlgorithm(ConvAlgorithm.Kind.WINOGRAD, 3), ConvAlgorithm.parse("winograd:3"));
        assertEquals("winograd:3", ConvAlgorithm.parse("winograd:3").toString());
        assertEquals(new ConvAlgorithm(ConvAlgorithm.Kind.AUTO, 4), ConvAlgorithm.parse("auto:4"));
        for (String bad : new String[] {"fft", "winograd:0", "winograd:x", "winograd:15", "im2col:2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvAlgorithm.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> WinogradTransform.of(0, 3));
        assertThrows(IllegalArgumentException.class, () -> WinogradTransform.of(14, 5));
    }
}
