package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.ImageShape;
import org.optopt.tasks.autodiff.Sums;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

/**
 * A convolution layer and an LSTM layer against naive loops in double precision, forward and
 * backward, on odd shapes: the loss is {@code sum(output * R)} for a random R, so every gradient is
 * a plain sum written out below (not derived from the production code).
 */
class NaiveReferenceTest {
    private static final double TOLERANCE = 2e-4;
    private final Backend be = new ReferenceBackend();

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    @Test
    void convolutionForwardAndBackwardMatchNaiveLoops() {
        // 2 images of 7x5 with 3 channels, kernel 3, stride 2, padding 1, 4 output channels
        int batch = 2;
        int h = 7;
        int w = 5;
        int c = 3;
        int k = 3;
        int stride = 2;
        int pad = 1;
        int o = 4;
        ImageShape in = new ImageShape(batch, h, w, c);
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        float[] x = random(batch * h * w * c, 1);
        float[] r = random(batch * oh * ow * o, 2);
        try (ParameterStore params = new ParameterStore(be); Tape tape = new Tape(be);
                Tensor xt = be.fromArray(x, in.matrix());
                Tensor rt = be.fromArray(r, Shape.matrix(batch * oh * ow, o))) {
            Conv2d conv = new Conv2d(params, "conv", c, o, k, stride, pad, Init.PYTORCH_DEFAULT, new SplittableRandom(3));
            float[] wt = params.get("conv.weight").value().toArray();
            float[] bt = params.get("conv.bias").value().toArray();
            params.zeroGrads();
            Var xv = tape.variable(xt);
            Var y = conv.forward(xv, in);
            tape.backward(Sums.sum(Elementwise.mul(y, tape.constant(rt))));
            float[] yv = y.value().toArray();
            float[] gx = xv.grad().toArray();
            float[] gw = params.get("conv.weight").gradient().toArray();
            float[] gb = params.get("conv.bias").gradient().toArray();

            double[] gxRef = new double[x.length];
            double[] gwRef = new double[wt.length];
            double[] gbRef = new double[o];
            for (int n = 0; n < batch; n++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        for (int oc = 0; oc < o; oc++) {
                            int out = ((n * oh + oy) * ow + ox) * o + oc;
                            double acc = bt[oc];
                            gbRef[oc] += r[out];
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * stride - pad + ky;
                                    int ix = ox * stride - pad + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    for (int ic = 0; ic < c; ic++) {
                                        int xi = ((n * h + iy) * w + ix) * c + ic;
                                        int wi = oc * k * k * c + (ky * k + kx) * c + ic;
                                        acc += (double) x[xi] * wt[wi];
                                        gxRef[xi] += (double) r[out] * wt[wi];
                                        gwRef[wi] += (double) r[out] * x[xi];
                                    }
                                }
                            }
                            assertEquals(acc, yv[out], TOLERANCE, "output " + out);
                        }
                    }
                }
            }
            assertClose(gxRef, gx, "input gradient");
            assertClose(gwRef, gw, "weight gradient");
            assertClose(gbRef, gb, "bias gradient");
        }
    }

    @Test
    void lstmSequenceForwardAndBackwardThroughTimeMatchNaiveLoops() {
        // 3 sequences, input 5, hidden 7, 4 steps; PyTorch's gate order i, f, g, o and one bias
        int n = 3;
        int in = 5;
        int hid = 7;
        int steps = 4;
        int g4 = 4 * hid;
        float[][] xs = new float[steps][];
        float[][] rs = new float[steps][];
        for (int t = 0; t < steps; t++) {
            xs[t] = random(n * in, 10 + t);
            rs[t] = random(n * hid, 20 + t);
        }
        try (ParameterStore params = new ParameterStore(be); Tape tape = new Tape(be)) {
            Lstm lstm = new Lstm(params, "l", in, hid, Init.PYTORCH_DEFAULT, new SplittableRandom(5));
            float[] wih = params.get("l.weight_ih").value().toArray();
            float[] whh = params.get("l.weight_hh").value().toArray();
            float[] b = params.get("l.bias").value().toArray();
            params.zeroGrads();
            float[] xAll = new float[steps * n * in];
            float[] rAll = new float[steps * n * hid];
            for (int t = 0; t < steps; t++) {
                System.arraycopy(xs[t], 0, xAll, t * n * in, n * in);
                System.arraycopy(rs[t], 0, rAll, t * n * hid, n * hid);
            }
            Tensor xt = be.fromArray(xAll, Shape.matrix(steps * n, in));
            Tensor rt = be.fromArray(rAll, Shape.matrix(steps * n, hid));
            Var x = tape.variable(xt);
            Var hAll = lstm.sequence(x, steps);
            float[] hv = hAll.value().toArray();
            float[][] hs = new float[steps][];
            for (int t = 0; t < steps; t++) {
                hs[t] = java.util.Arrays.copyOfRange(hv, t * n * hid, (t + 1) * n * hid);
            }
            Var loss = Sums.sum(Elementwise.mul(hAll, tape.constant(rt)));
            tape.backward(loss);

            // naive forward, keeping every gate for the backward pass
            double[][][] gate = new double[steps][n][g4];
            double[][][] cell = new double[steps + 1][n][hid];
            double[][][] hidden = new double[steps + 1][n][hid];
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < g4; j++) {
                        double z = b[j];
                        for (int q = 0; q < in; q++) {
                            z += wih[j * in + q] * (double) xs[t][i * in + q];
                        }
                        for (int q = 0; q < hid; q++) {
                            z += whh[j * hid + q] * hidden[t][i][q];
                        }
                        gate[t][i][j] = j / hid == 2 ? Math.tanh(z) : 1 / (1 + Math.exp(-z));
                    }
                    for (int j = 0; j < hid; j++) {
                        double[] a = gate[t][i];
                        cell[t + 1][i][j] = a[hid + j] * cell[t][i][j] + a[j] * a[2 * hid + j];
                        hidden[t + 1][i][j] = a[3 * hid + j] * Math.tanh(cell[t + 1][i][j]);
                        assertEquals(hidden[t + 1][i][j], hs[t][i * hid + j], TOLERANCE, "h at step " + t);
                    }
                }
            }
            // naive backward through time
            double[] gwih = new double[wih.length];
            double[] gwhh = new double[whh.length];
            double[] gb = new double[b.length];
            double[][] gh = new double[n][hid];
            double[][] gc = new double[n][hid];
            for (int t = steps - 1; t >= 0; t--) {
                double[][] ghPrev = new double[n][hid];
                double[] gxRef = new double[n * in];
                for (int i = 0; i < n; i++) {
                    double[] a = gate[t][i];
                    double[] dz = new double[g4];
                    for (int j = 0; j < hid; j++) {
                        double dh = gh[i][j] + rs[t][i * hid + j];
                        double tc = Math.tanh(cell[t + 1][i][j]);
                        double dc = gc[i][j] + dh * a[3 * hid + j] * (1 - tc * tc);
                        dz[j] = dc * a[2 * hid + j] * a[j] * (1 - a[j]);
                        dz[hid + j] = dc * cell[t][i][j] * a[hid + j] * (1 - a[hid + j]);
                        dz[2 * hid + j] = dc * a[j] * (1 - a[2 * hid + j] * a[2 * hid + j]);
                        dz[3 * hid + j] = dh * tc * a[3 * hid + j] * (1 - a[3 * hid + j]);
                        gc[i][j] = dc * a[hid + j];
                    }
                    for (int j = 0; j < g4; j++) {
                        gb[j] += dz[j];
                        for (int q = 0; q < in; q++) {
                            gwih[j * in + q] += dz[j] * xs[t][i * in + q];
                            gxRef[i * in + q] += dz[j] * wih[j * in + q];
                        }
                        for (int q = 0; q < hid; q++) {
                            gwhh[j * hid + q] += dz[j] * hidden[t][i][q];
                            ghPrev[i][q] += dz[j] * whh[j * hid + q];
                        }
                    }
                }
                gh = ghPrev;
                assertClose(gxRef, java.util.Arrays.copyOfRange(x.grad().toArray(), t * n * in, (t + 1) * n * in),
                        "input gradient at step " + t);
            }
            assertClose(gwih, params.get("l.weight_ih").gradient().toArray(), "weight_ih gradient");
            assertClose(gwhh, params.get("l.weight_hh").gradient().toArray(), "weight_hh gradient");
            assertClose(gb, params.get("l.bias").gradient().toArray(), "bias gradient");
            xt.close();
            rt.close();
        }
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }
}
