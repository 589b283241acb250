package org.optopt.optimizers.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.testkit.TestData.transpose;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;
import org.optopt.optimizers.adaptive.AdamW;

/**
 * Muon's tall matrices against wide ones (the in-memory-untransposed route against the plain one)
 * and its rank &lt; 2 parameters against {@code adamw} itself. Its numbers against the independent
 * reference {@code optopt-muon.json} are checked by {@code OptoptGoldenTest}.
 */
class MuonTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void aTallMatrixStepsAsTheTransposeOfItsWideTranspose() {
        int rows = 6;
        int cols = 3;
        float[] w = TestProblems.uniform(rows * cols, 5);
        float[] g = TestProblems.uniform(rows * cols, 6);
        Parameter tall = new Parameter("W", backend.fromArray(w, Shape.matrix(rows, cols)),
                backend.fromArray(g, Shape.matrix(rows, cols)));
        Parameter wide = new Parameter("W", backend.fromArray(transpose(w, rows, cols), Shape.matrix(cols, rows)),
                backend.fromArray(transpose(g, rows, cols), Shape.matrix(cols, rows)));
        try (Optimizer a = new Muon().create(backend, ParameterSet.of(List.of(tall)), Map.of("lr", 0.1));
             Optimizer b = new Muon().create(backend, ParameterSet.of(List.of(wide)), Map.of("lr", 0.1))) {
            a.step();
            b.step();
        }
        float[] t = tall.value().toArray();
        float[] u = transpose(wide.value().toArray(), cols, rows);
        // The tall step is scaled by sqrt(rows/cols); the wide one is not.
        double s = Math.sqrt((double) rows / cols);
        for (int i = 0; i < t.length; i++) {
            assertEquals((w[i] - t[i]) / s, w[i] - u[i], 1e-5, "element " + i);
        }
    }

    @Test
    void vectorsAreTrainedByAdamWWithTheAdamHyperparameters() {
        List<Parameter> a = TestProblems.parameters(backend, 4, Shape.vector(7));
        List<Parameter> b = TestProblems.parameters(backend, 4, Shape.vector(7));
        try (MuonOptimizer muon = new Muon().create(backend, ParameterSet.of(a),
                Map.of("adam_lr", 0.01, "adam_beta1", 0.8, "adam_beta2", 0.9, "adam_eps", 1e-6, "weight_decay", 0.1));
             Optimizer adamw = new AdamW().create(backend, ParameterSet.of(b),
                     Map.of("lr", 0.01, "beta1", 0.8, "beta2", 0.9, "eps", 1e-6, "weight_decay", 0.1))) {
            assertTrue(!muon.orthogonalizes("W"));
            for (int t = 0; t < 4; t++) {
                TestProblems.parabola(a, t);
                TestProblems.parabola(b, t);
                muon.step();
                adamw.step();
            }
            assertEquals(java.util.Arrays.toString(b.get(0).value().toArray()),
                    java.util.Arrays.toString(a.get(0).value().toArray()));
        }
    }

    @Test
    void anEmptyTensorIsRefused() {
        List<Parameter> a = List.of(new Parameter("E", backend.zeros(Shape.matrix(0, 3)), backend.zeros(Shape.matrix(0, 3))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Muon().create(backend, ParameterSet.of(a), Map.of()));
        assertTrue(e.getMessage().contains("Muon cannot view parameter E"), e.getMessage());
    }
}
