package org.optopt.optimizers.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.adaptive.Adam;

/**
 * The curvature probe on the quadratic 0.5 x^T H x with a known H coupling two parameters (x = (w, b),
 * w 1x2 and b of 2), trained by Adam, whose moves are not along the gradient: the curvature against
 * the Rayleigh quotients d^T H d / d^T d of the moves and eta* against |gbar|^2 / (h E|g|^2), both
 * computed here in double from the parameter values.
 */
class CurvatureProbeTest {
    private static final double[][] H = {{4, 1, 0, 0.5}, {1, 3, 0.2, 0}, {0, 0.2, 1, 0.1}, {0.5, 0, 0.1, 0.5}};
    private static final double BETA = 0.9;
    private final ReferenceBackend backend = new ReferenceBackend();

    private List<Parameter> parameters() {
        List<Parameter> params = List.of(
                new Parameter("w", backend.fromArray(new float[] {1, -2}, Shape.matrix(1, 2)), backend.zeros(Shape.matrix(1, 2))),
                new Parameter("b", backend.fromArray(new float[] {0.5f, 3}, Shape.vector(2)), backend.zeros(Shape.vector(2))));
        return params;
    }

    private static double[] x(List<Parameter> params) {
        float[] w = params.get(0).value().toArray();
        float[] b = params.get(1).value().toArray();
        return new double[] {w[0], w[1], b[0], b[1]};
    }

    /** Sets the gradients to H x (rounded to float, as stored) and returns them. */
    private static double[] loadGradient(List<Parameter> params) {
        double[] x = x(params);
        float[] g = new float[4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                g[i] += (float) (H[i][j] * x[j]);
            }
        }
        params.get(0).gradient().copyFrom(new float[] {g[0], g[1]});
        params.get(1).gradient().copyFrom(new float[] {g[2], g[3]});
        return new double[] {g[0], g[1], g[2], g[3]};
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] times(double[][] m, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = dot(m[i], v);
        }
        return r;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    @Test
    void oneMoveGivesTheRayleighQuotientAndManyMovesTheirWeightedMean() {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        try (CurvatureProbe probe = new CurvatureProbe(backend, set, BETA);
             Optimizer adam = new Adam().create(backend, set, Map.of("lr", 0.1))) {
            double[] xPrev = x(params);
            double[] gPrev = loadGradient(params);
            probe.observe(set);
            assertTrue(Double.isNaN(probe.statistics().get("curvature")), "one observation has no move yet");
            adam.step();
            double num = 0;
            double den = 0;
            double r0 = 0;
            double r1 = 0;
            for (int t = 2; t <= 8; t++) {
                double[] x = x(params);
                double[] g = loadGradient(params);
                probe.observe(set);
                adam.step();
                double[] d = minus(x, xPrev);
                double rayleigh = dot(d, times(H, d)) / dot(d, d);
                num = BETA * num + (1 - BETA) * dot(d, times(H, d));
                den = BETA * den + (1 - BETA) * dot(d, d);
                r0 = BETA * r0 + (1 - BETA) * dot(g, g);
                r1 = BETA * r1 + (1 - BETA) * dot(g, gPrev);
                if (t == 2) {
                    assertEquals(rayleigh, probe.curvature(), 1e-4 * rayleigh, "a single move: d^T H d / d^T d");
                }
                xPrev = x;
                gPrev = g;
            }
            double h = num / den;
            assertEquals(h, probe.statistics().get("curvature"), 1e-4 * h);
            double eta = r1 / (h * r0);
            assertEquals(eta, probe.statistics().get("eta"), 1e-4 * eta);
            assertEquals(7, probe.state().scalars().get("pairs"));
        }
    }

    @Test
    void aGapStartsANewPairAndTheStateRoundTrips() {
        List<Parameter> a = parameters();
        List<Parameter> b = parameters();
        try (CurvatureProbe straight = new CurvatureProbe(backend, ParameterSet.of(a), BETA);
             Optimizer adamA = new Adam().create(backend, ParameterSet.of(a), Map.of("lr", 0.1));
             Optimizer adamB = new Adam().create(backend, ParameterSet.of(b), Map.of("lr", 0.1))) {
            CurvatureProbe first = new CurvatureProbe(backend, ParameterSet.of(b), BETA);
            CurvatureProbe resumed = new CurvatureProbe(backend, ParameterSet.of(b), BETA);
            try (first; resumed) {
                for (int t = 0; t < 10; t++) {
                    loadGradient(a);
                    loadGradient(b);
                    if (t == 6) {
                        straight.gap();
                        resumed.gap();
                    }
                    straight.observe(ParameterSet.of(a));
                    (t < 4 ? first : resumed).observe(ParameterSet.of(b));
                    if (t == 3) {
                        resumed.loadState(first.state());
                    }
                    adamA.step();
                    adamB.step();
                }
                assertEquals(straight.statistics(), resumed.statistics(), "bit-identical after a save and load");
                assertEquals(8.0, straight.state().scalars().get("pairs"), "9 moves, one of them across the gap");
                assertTrue(straight.eta() > 0 && Double.isFinite(straight.eta()));
            }
        }
    }

    @Test
    void noMoveOrNegativeCurvatureGivesNoStepSize() {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        try (CurvatureProbe probe = new CurvatureProbe(backend, set, BETA)) {
            loadGradient(params);
            probe.observe(set);
            probe.observe(set); // the parameters did not move: 0/0
            assertTrue(Double.isNaN(probe.curvature()));
            assertTrue(Double.isNaN(probe.eta()));
            params.get(0).value().copyFrom(new float[] {2, -2}); // moved by +1 in w[0] while its gradient fell
            params.get(0).gradient().copyFrom(new float[] {-5, 0});
            probe.observe(set);
            assertTrue(probe.curvature() < 0);
            assertTrue(Double.isNaN(probe.statistics().get("eta")), "no finite optimum along a concave move");
        }
    }
}
