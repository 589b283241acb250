package org.optopt.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every closed form against the numeric solver on random Sigma (Wishart, d = 1..8, several seeds):
 * the optimal value and Q* agree to 1e-6 relative (the tolerance; the solver reaches about
 * 1e-9), the rank-one trace optimum included. One row per budget.
 */
class ClosedFormTest {
    private static final double TOLERANCE = 1e-6;

    /** One row: a budget name and how to build it for a dimension and a random source. */
    record Row(String name, BiFunction<Integer, Random, Budget> budget) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Row> rows = List.of(
                new Row("spectral", (d, r) -> new Spectral(0.5 + r.nextDouble())),
                new Row("frobenius", (d, r) -> new Frobenius(0.5 + r.nextDouble())),
                new Row("trace", (d, r) -> new Trace(0.5 + r.nextDouble())),
                new Row("diagonal-l2", (d, r) -> new DiagonalL2(0.5 + r.nextDouble())),
                new Row("diagonal-box", (d, r) -> new DiagonalBox(0.5 + r.nextDouble())),
                new Row("update-rms", (d, r) -> new UpdateRms(0.5 + r.nextDouble())),
                new Row("update-rms-eps", (d, r) -> new UpdateRms(0.5 + r.nextDouble(), 0.1 + r.nextDouble())),
                new Row("update-second-moment", (d, r) -> new UpdateSecondMoment(0.5 + r.nextDouble())),
                new Row("metric", (d, r) -> Metric.of(0.5 + r.nextDouble(), RandomMatrices.wishart(d, r), 0)),
                new Row("metric-identity", (d, r) -> Metric.of(0.5 + r.nextDouble(),
                        SecondMoment.of("P", CommonOps_DDRM.identity(d)), 0)),
                new Row("metric-kfac", (d, r) -> d % 2 == 0
                        ? new KroneckerMetric(0.5 + r.nextDouble(), RandomMatrices.wishart(2, r), RandomMatrices.wishart(d / 2, r), 0.01)
                        : new KroneckerMetric(0.5 + r.nextDouble(), RandomMatrices.wishart(1, r), RandomMatrices.wishart(d, r), 0)),
                new Row("metric-kfac-rectangular", (d, r) -> d % 3 == 0 && d > 3
                        ? new KroneckerMetric(0.5 + r.nextDouble(), RandomMatrices.wishart(d / 3, r), RandomMatrices.wishart(3, r), 0.1)
                        : new KroneckerMetric(0.5 + r.nextDouble(), RandomMatrices.wishart(d, r), RandomMatrices.wishart(1, r), 0.1)),
                new Row("kronecker", (d, r) -> d % 2 == 0 ? new Kronecker(0.5 + r.nextDouble(), 2, d / 2)
                        : new Kronecker(0.5 + r.nextDouble(), 1, d)));
        return rows.stream().flatMap(row -> Stream.iterate(1, d -> d <= 8, d -> d + 1)
                .flatMap(d -> Stream.of(11L, 12L, 13L).map(seed -> Arguments.of(row, d, seed))));
    }

    @ParameterizedTest(name = "{0} d={1} seed={2}")
    @MethodSource("cases")
    void closedFormMatchesNumericOptimum(Row row, int d, long seed) {
        Random random = new Random(seed * 31 + d);
        SecondMoment sigma = RandomMatrices.wishart(d, random);
        Budget budget = row.budget().apply(d, random);
        Design closed = budget.closedForm(sigma).orElseThrow();
        Design numeric = new NumericSolver().solve(budget, sigma);

        assertEquals(Design.CLOSED_FORM, closed.solver());
        assertEquals(Design.NUMERIC, numeric.solver());
        assertRelative(numeric.value(), closed.value(), "value");
        double qError = distance(closed.q(), numeric.q()) / Linalg.frobenius(closed.q());
        assertTrue(qError <= TOLERANCE, "Q*: relative error " + qError);
        // The reported value is E[g^T Q* g] of the reported Q*.
        assertRelative(Linalg.inner(closed.q(), sigma.matrix()), closed.value(), "<Q*, Sigma>");
    }

    private static void assertRelative(double expected, double actual, String what) {
        double scale = expected == 0 ? 1 : Math.abs(expected);
        assertTrue(Math.abs(expected - actual) <= TOLERANCE * scale, what + ": expected " + expected + " got " + actual);
    }

    private static double distance(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj diff = a.copy();
        CommonOps_DDRM.subtractEquals(diff, b);
        return Linalg.frobenius(diff);
    }
}
