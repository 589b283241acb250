package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.distinct;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class ConvTest {
    private final Backend be = GradCheck.backend();
    private final ImageShape in = new ImageShape(2, 5, 4, 2);

    @Test
    void convolutionEqualsTheDirectSum() {
        for (int[] g : new int[][] {{3, 2, 1, 1}, {3, 3, 2, 1}, {2, 2, 1, 0}, {5, 5, 1, 2}}) {
            int kh = g[0];
            int kw = g[1];
            int stride = g[2];
            int pad = g[3];
            float[] x = uniform(in.rows() * in.channels(), 70);
            float[] w = uniform(3 * kh * kw * in.channels(), 71);
            float[] b = uniform(3, 72);
            ImageShape out = Conv.outputShape(in, kh, kw, stride, pad, 3);
            try (Tape tape = new Tape(be)) {
                float[] y = Conv.conv2d(tape.constant(be.fromArray(x, in.matrix())), in,
                        tape.constant(be.fromArray(w, Shape.matrix(3, kh * kw * in.channels()))),
                        tape.constant(be.fromArray(b, Shape.vector(3))), kh, kw, stride, pad).value().toArray();
                assertEquals(out.rows() * 3, y.length);
                for (int n = 0; n < in.batch(); n++) {
                    for (int oy = 0; oy < out.height(); oy++) {
                        for (int ox = 0; ox < out.width(); ox++) {
                            for (int o = 0; o < 3; o++) {
                                double acc = b[o];
                                for (int ky = 0; ky < kh; ky++) {
                                    for (int kx = 0; kx < kw; kx++) {
                                        int iy = oy * stride - pad + ky;
                                        int ix = ox * stride - pad + kx;
                                        if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) {
                                            continue;
                                        }
                                        for (int c = 0; c < in.channels(); c++) {
                                            acc += (double) x[in.row(n, iy, ix) * in.channels() + c]
                                                    * w[((o * kh + ky) * kw + kx) * in.channels() + c];
                                        }
                                    }
                                }
                                assertEquals(acc, y[out.row(n, oy, ox) * 3 + o], 1e-5,
                                        "output " + n + "," + oy + "," + ox + "," + o + " of geometry "
                                                + java.util.Arrays.toString(g));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void convolutionGradients() {
        Tensor x = be.fromArray(uniform(in.rows() * in.channels(), 73), in.matrix());
        Tensor w = be.fromArray(uniform(3 * 6 * 2, 74), Shape.matrix(3, 12));
        Tensor b = be.fromArray(uniform(3, 75), Shape.vector(3));
        check(be, v -> Conv.conv2d(v[0], in, v[1], v[2], 3, 2, 2, 1), x, w, b);
    }

    @Test
    void maxPoolTakesWindowMaximaAndRoutesGradientsToThem() {
        ImageShape img = new ImageShape(2, 4, 4, 3);
        float[] x = distinct(img.rows() * 3, 76);
        Tensor xt = be.fromArray(x, img.matrix());
        ImageShape out = Conv.outputShape(img, 2, 2, 2, 0, 3);
        try (Tape tape = new Tape(be)) {
            float[] y = Conv.maxPool2d(tape.constant(xt), img, 2, 2).value().toArray();
            for (int n = 0; n < 2; n++) {
                for (int oy = 0; oy < 2; oy++) {
                    for (int ox = 0; ox < 2; ox++) {
                        for (int c = 0; c < 3; c++) {
                            float m = Float.NEGATIVE_INFINITY;
                            for (int k = 0; k < 4; k++) {
                                m = Math.max(m, x[img.row(n, 2 * oy + k / 2, 2 * ox + k % 2) * 3 + c]);
                            }
                            assertEquals(m, y[out.row(n, oy, ox) * 3 + c]);
                        }
                    }
                }
            }
        }
        check(be, v -> Conv.maxPool2d(v[0], img, 2, 2), xt);
        check(be, v -> Conv.maxPool2d(v[0], img, 3, 1), xt);
    }

    @Test
    void maxPoolGivesATiedWindowsGradientToItsFirstMaximumOnly() {
        ImageShape img = new ImageShape(1, 2, 2, 1);
        try (Tape tape = new Tape(be)) {
            Var x = tape.variable(be.fromArray(new float[] {1, 3, 3, 2}, img.matrix()));
            tape.backward(Sums.sum(Conv.maxPool2d(x, img, 2, 2)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 1, 0, 0}, x.grad().toArray());
        }
    }

    @Test
    void shapeErrorsNameTheProblem() {
        try (Tape tape = new Tape(be)) {
            Var x = tape.constant(be.zeros(in.matrix()));
            Var w = tape.constant(be.zeros(Shape.matrix(3, 10)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Conv.conv2d(x, in, w, null, 3, 2, 1, 0));
            assertEquals("conv2d: weight shape [3, 10] needs 12 columns (3x2x2)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Conv.maxPool2d(x, new ImageShape(1, 5, 4, 2), 2, 2));
        }
    }
}
