package org.optopt.optimizers.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;

/** The covariance probe's Sigma against the bias-corrected average of g g^T worked out by hand. */
class CovarianceProbeTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void sigmaIsTheBiasCorrectedAverageOfOuterProducts() {
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.matrix(1, 2), Shape.vector(3));
        try (CovarianceProbe probe = new CovarianceProbe(backend, ParameterSet.of(params), 0.5, 2)) {
            assertEquals(List.of("W"), probe.covered());
            params.get(0).gradient().copyFrom(new float[] {1, 2});
            probe.observe(ParameterSet.of(params));
            params.get(0).gradient().copyFrom(new float[] {3, -1});
            probe.observe(ParameterSet.of(params));
            // m = 0.5*(0.5*g1 g1^T) + 0.5*g2 g2^T, corrected by 1/(1 - 0.25):
            // (0.25*[[1,2],[2,4]] + 0.5*[[9,-3],[-3,1]]) / 0.75 = [[4.75/0.75, -1/0.75], [-1/0.75, 1.5/0.75]].
            double[][] s = probe.sigma("W");
            assertEquals(4.75 / 0.75, s[0][0], 1e-6);
            assertEquals(-1 / 0.75, s[0][1], 1e-6);
            assertEquals(-1 / 0.75, s[1][0], 1e-6);
            assertEquals(1.5 / 0.75, s[1][1], 1e-6);
            assertEquals(6.25 / 0.75, probe.statistics().get("W.trace"), 1e-6);
            assertThrows(IllegalArgumentException.class, () -> probe.sigma("b"));
        }
    }
}
