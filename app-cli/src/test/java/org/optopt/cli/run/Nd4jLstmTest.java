package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.Recurrent;
import org.optopt.tasks.autodiff.Sums;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

/**
 * The LSTM recurrence ({@link Recurrent#lstm}) on the nd4j backend, whose compiled cell kernels and
 * OpenBLAS products char-rnn trains with, against the reference backend (the kernel interpreter
 * and plain loops), at char-rnn's hidden size and an odd batch: outputs and both gradients.
 */
class Nd4jLstmTest {
    private static float[] uniform(int n, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * (2 * r.nextDouble() - 1));
        }
        return a;
    }

    /** Output, projection gradient and recurrent weight gradient of {@code sum(lstm(p, w) * r)}. */
    private static float[][] run(Backend be, float[] p, float[] w, float[] r, int steps, int n, int hidden) {
        try (Tape tape = new Tape(be); Tensor pt = be.fromArray(p, Shape.matrix(steps * n, 4 * hidden));
                Tensor wt = be.fromArray(w, Shape.matrix(4 * hidden, hidden));
                Tensor rt = be.fromArray(r, Shape.matrix(steps * n, hidden))) {
            Var pv = tape.variable(pt);
            Var wv = tape.variable(wt);
            Var out = Recurrent.lstm(pv, wv, steps);
            float[] y = out.value().toArray();
            tape.backward(Sums.sum(Elementwise.mul(out, tape.constant(rt))));
            return new float[][] {y, pv.grad().toArray(), wv.grad().toArray()};
        }
    }

    @Test
    void theRecurrenceOnNd4jMatchesTheReferenceBackend() {
        int steps = 6;
        int n = 7;
        int hidden = 128;
        float[] p = uniform(steps * n * 4 * hidden, 3, 1);
        float[] w = uniform(4 * hidden * hidden, 1 / Math.sqrt(hidden), 2);
        float[] r = uniform(steps * n * hidden, 1, 3);
        float[][] expected = run(new ReferenceBackend(), p, w, r, steps, n, hidden);
        Backend nd4j = Backends.discover().create("nd4j", Map.of("threads", "1", "kernel-threads", "1"));
        try {
            float[][] actual = run(nd4j, p, w, r, steps, n, hidden);
            String[] what = {"output", "projection gradient", "recurrent weight gradient"};
            for (int k = 0; k < what.length; k++) {
                for (int i = 0; i < expected[k].length; i++) {
                    assertEquals(expected[k][i], actual[k][i], 1e-5 * (1 + Math.abs(expected[k][i])),
                            what[k] + " element " + i);
                }
            }
        } finally {
            nd4j.close();
        }
    }
}
