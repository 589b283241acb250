package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.optimizers.golden.Json;

/** {@code optopt design} from files: the numbers against hand-computed closed forms, and every error. */
class DesignCommandTest {
    @TempDir
    Path dir;

    private Path file(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p;
    }

    private Map<?, ?> json(String... args) {
        MainTest.Run r = MainTest.run(args);
        assertEquals(0, r.exitCode(), r.err());
        return (Map<?, ?>) Json.parse(r.out().strip());
    }

    private static double q(Map<?, ?> design, int i, int j) {
        return (Double) ((List<?>) ((List<?>) design.get("q")).get(i)).get(j);
    }

    @Test
    void updateRmsRecoversRmspropFromADiagonalSigma() throws IOException {
        Path sigma = file("s.json", "{\"sigma\": [[4, 1], [1, 9]]}");
        Map<?, ?> d = json("design", "--budget", "update-rms", "--radius", "0.5", "--sigma", sigma.toString(), "--json");
        assertEquals("update-rms", d.get("budget"));
        assertEquals(0.5, d.get("radius"));
        assertEquals("closed-form", d.get("solver"));
        assertEquals("rmsprop", d.get("optimizer"));
        assertEquals(0.5 / 2, q(d, 0, 0), 1e-15);
        assertEquals(0.5 / 3, q(d, 1, 1), 1e-15);
        assertEquals(0.0, q(d, 0, 1));
        assertEquals(0.5 * (2 + 3), (Double) d.get("value"), 1e-14); // c sum sqrt(s_i)
        assertEquals(0.5, ((Map<?, ?>) d.get("hyperparameters")).get("lr"));
    }

    @Test
    void updateSecondMomentIsFullMatrixAdagradByHand() throws IOException {
        // Sigma = [[5, 4], [4, 5]]: eigenvalues 9 and 1 along (1,1)/sqrt2, (1,-1)/sqrt2;
        // Sigma^-1/2 = [[ (1/3 + 1)/2, (1/3 - 1)/2 ], ...]; value c (3 + 1).
        Path sigma = file("s.json", "{\"sigma\": [[5, 4], [4, 5]]}");
        for (String solver : new String[] {"closed-form", "numeric"}) {
            Map<?, ?> d = json("design", "--budget", "update-second-moment", "--radius", "2", "--sigma", sigma.toString(),
                    "--solver", solver, "--json");
            assertEquals(solver, d.get("solver"));
            assertEquals("full-matrix-adagrad", d.get("optimizer"));
            assertEquals(8, (Double) d.get("value"), 1e-8);
            assertEquals(2 * (1.0 / 3 + 1) / 2, q(d, 0, 0), 1e-7);
            assertEquals(2 * (1.0 / 3 - 1) / 2, q(d, 0, 1), 1e-7);
        }
    }

    @Test
    void metricWithIdentityIsNormalizedSgdAndKfacFactorsWork() throws IOException {
        Path sigma = file("s.json", "{\"sigma\": [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]]}");
        Path identity = file("p.json", "{\"metric\": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]}");
        Map<?, ?> d = json("design", "--budget", "metric", "--sigma", sigma.toString(), "--metric", identity.toString(), "--json");
        assertEquals("normalized-sgd", d.get("optimizer"));
        assertEquals(Math.sqrt(10), (Double) d.get("value"), 1e-13);
        assertEquals(1 / Math.sqrt(10), q(d, 2, 2), 1e-15);
        // A (x) G = diag(1, 2) (x) diag(1, 4) = diag(1, 4, 2, 8): tr(P^-1 Sigma) = 1 + 0.5 + 1.5 + 0.5 = 3.5.
        Path factors = file("f.json", "{\"A\": [[1, 0], [0, 2]], \"G\": [[1, 0], [0, 4]]}");
        Map<?, ?> k = json("design", "--budget", "metric", "--sigma", sigma.toString(), "--metric", factors.toString(), "--json");
        assertEquals("k-fac", k.get("optimizer"));
        assertEquals(Math.sqrt(3.5), (Double) k.get("value"), 1e-13);
        assertEquals(1 / 8.0 / Math.sqrt(3.5), q(k, 3, 3), 1e-15);
    }

    @Test
    void kroneckerIsShampooWithTheShapeFromTheFileOrOption() throws IOException {
        // G is 1x2 with Sigma = diag(4, 16): L = [20], R = diag(4, 16); Q = c 20^-1/4 diag(4^-1/4, 16^-1/4).
        Path sigma = file("s.json", "{\"sigma\": [[4, 0], [0, 16]], \"shape\": [1, 2]}");
        Map<?, ?> d = json("design", "--budget", "kronecker", "--sigma", sigma.toString(), "--json");
        assertEquals("shampoo", d.get("optimizer"));
        assertEquals(Math.pow(20, -0.25) * Math.pow(4, -0.25), q(d, 0, 0), 1e-14);
        Path plain = file("p.json", "{\"sigma\": [[4, 0], [0, 16]]}");
        Map<?, ?> e = json("design", "--budget", "kronecker", "--shape", "2x1", "--sigma", plain.toString(), "--json");
        assertEquals(Math.pow(4, -0.25) * Math.pow(20, -0.25), q(e, 0, 0), 1e-14);
    }

    @Test
    void intersectionAndWeightedFrobeniusAreSolvedNumerically() throws IOException {
        Path sigma = file("s.json", "{\"sigma\": [[4, 0], [0, 0.25]]}");
        Map<?, ?> d = json("design", "--budget", "update-rms:1+spectral:0.5", "--sigma", sigma.toString(), "--json");
        assertEquals("numeric", d.get("solver"));
        assertEquals(List.of(1.0, 0.5), d.get("radius"));
        assertEquals(0.5, q(d, 0, 0), 1e-8); // min(1/2, 0.5)
        assertEquals(0.5, q(d, 1, 1), 1e-8); // min(1/0.5, 0.5)
        Path w = file("w.json", "{\"weights\": [[1, 1], [1, 1]]}");
        Map<?, ?> f = json("design", "--budget", "weighted-frobenius", "--sigma", sigma.toString(), "--weights", w.toString(),
                "--json");
        assertEquals(Math.hypot(4, 0.25), (Double) f.get("value"), 1e-8);
    }

    @Test
    void humanOutputNamesBudgetValueOptimizerAndQ() throws IOException {
        Path sigma = file("s.json", "{\"sigma\": [[1, 0], [0, 3]]}");
        MainTest.Run r = MainTest.run("design", "--budget", "spectral", "--radius", "0.1", "--sigma", sigma.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("spectral") && r.out().contains("sgd (lr=0.1") && r.out().contains("Q* (2x2)")
                && r.out().contains("0.4"), r.out());
    }

    private void fails(int code, String expected, String... args) {
        MainTest.Run r = MainTest.run(args);
        assertEquals(code, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
    }

    @Test
    void badInputIsOneLineNamingTheProblemAndTheFile() throws IOException {
        String s = file("s.json", "{\"sigma\": [[2, 1], [1, 2]]}").toString();
        fails(1, "not square", "design", "--budget", "spectral", "--sigma", file("a.json", "{\"sigma\": [[1, 2]]}").toString());
        fails(1, "a.json", "design", "--budget", "spectral", "--sigma", dir.resolve("a.json").toString());
        fails(1, "b.json: sigma is not symmetric", "design", "--budget", "spectral", "--sigma",
                file("b.json", "{\"sigma\": [[1, 2], [0, 1]]}").toString());
        fails(1, "c.json: sigma is not positive semidefinite", "design", "--budget", "spectral", "--sigma",
                file("c.json", "{\"sigma\": [[1, 2], [2, 1]]}").toString());
        fails(1, "no such file", "design", "--budget", "spectral", "--sigma", dir.resolve("none.json").toString());
        fails(1, "not valid JSON", "design", "--budget", "spectral", "--sigma", file("d.json", "{\"sigma\": [[1}").toString());
        fails(2, "radius must be positive", "design", "--budget", "spectral", "--radius", "0", "--sigma", s);
        fails(2, "radius must be positive", "design", "--budget", "spectral", "--radius", "-1", "--sigma", s);
        fails(2, "eps must be positive", "design", "--budget", "update-rms-eps", "--eps", "0", "--sigma", s);
        fails(2, "needs eps", "design", "--budget", "update-rms-eps", "--sigma", s);
        fails(2, "unknown budget 'nope'", "design", "--budget", "nope", "--sigma", s);
        fails(2, "no closed form", "design", "--budget", "spectral+trace", "--solver", "closed-form", "--sigma", s);
        String singular = file("p.json", "{\"metric\": [[1, 1], [1, 1]]}").toString();
        fails(1, "p.json: the metric is singular", "design", "--budget", "metric", "--metric", singular, "--sigma", s);
        MainTest.Run damped = MainTest.run("design", "--budget", "metric", "--metric", singular, "--damping", "0.1",
                "--sigma", s);
        assertEquals(0, damped.exitCode(), damped.err());
        String big = file("q.json", "{\"metric\": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}").toString();
        fails(1, "dimension mismatch", "design", "--budget", "metric", "--metric", big, "--sigma", s);
        fails(2, "needs the weight's shape", "design", "--budget", "kronecker", "--sigma", s);
        fails(1, "dimension mismatch", "design", "--budget", "kronecker", "--shape", "3x1", "--sigma", s);
        fails(1, "unbounded", "design", "--budget", "update-second-moment", "--solver", "numeric", "--sigma",
                file("e.json", "{\"sigma\": [[1, 1], [1, 1]]}").toString());
    }

    @Test
    void metricWithoutAMetricIsKfacPerLayerFromATaskRun() throws IOException {
        Map<?, ?> d = json("design", "--budget", "metric", "--damping", "0.01", "--task", "teacher-student-mlp",
                "--steps", "20", "--runs-dir", dir.toString(), "--json");
        int kfacLayers = 0;
        for (Object o : (List<?>) d.get("layers")) {
            Map<?, ?> layer = (Map<?, ?>) o;
            List<?> shape = (List<?>) layer.get("shape");
            if (shape.size() == 2) {
                kfacLayers++;
                assertEquals("k-fac", layer.get("optimizer"), layer.toString());
                // Q* = lr A^-1 (x) G^-1 is a Kronecker product: Q(ik, jl) Q(0, 0) = Q(i0, j0) Q(k, l).
                int cols = ((Number) shape.get(1)).intValue();
                int rows = ((Number) shape.get(0)).intValue();
                for (int[] x : new int[][] {{1, 0, 1, 1}, {0, 1, 1, 0}, {1, 1, 1, 1}}) {
                    int i = Math.min(x[0], rows - 1);
                    int j = Math.min(x[1], rows - 1);
                    int k = Math.min(x[2], cols - 1);
                    int l = Math.min(x[3], cols - 1);
                    double lhs = q(layer, i * cols + k, j * cols + l) * q(layer, 0, 0);
                    double rhs = q(layer, i * cols, j * cols) * q(layer, k, l);
                    assertEquals(rhs, lhs, 1e-9 * Math.abs(q(layer, 0, 0) * q(layer, 0, 0)), layer.get("parameter").toString());
                }
            } else {
                assertEquals("normalized-sgd", layer.get("optimizer"), layer.toString());
            }
        }
        assertTrue(kfacLayers > 0);
    }

    @Test
    void designsPerLayerFromATaskRunWithProbes() throws IOException {
        Map<?, ?> d = json("design", "--budget", "update-rms", "--radius", "0.01", "--task", "teacher-student-mlp",
                "--steps", "20", "--runs-dir", dir.toString(), "--json");
        assertEquals("teacher-student-mlp", d.get("task"));
        assertEquals(20.0, d.get("steps"));
        Map<?, ?> global = (Map<?, ?>) d.get("statistics");
        double momentum = (Double) global.get("momentum");
        assertTrue(momentum >= 0 && momentum < 1, global.toString());
        List<?> layers = (List<?>) d.get("layers");
        assertFalse(layers.isEmpty());
        for (Object o : layers) {
            Map<?, ?> layer = (Map<?, ?>) o;
            assertEquals("rmsprop", layer.get("optimizer"), layer.toString());
            // q_ii = c/sqrt(s_i), so sum_i (c/q_ii)^2 is the layer's E|g|^2 and sum_i c^2/q_ii the value.
            double sq = 0;
            double value = 0;
            for (int i = 0; i < ((Double) layer.get("dimension")).intValue(); i++) {
                sq += Math.pow(0.01 / q(layer, i, i), 2);
                value += 0.01 * 0.01 / q(layer, i, i);
            }
            double expected = (Double) ((Map<?, ?>) layer.get("statistics")).get("sq_norm");
            assertEquals(expected, sq, 1e-9 * expected);
            assertEquals((Double) layer.get("value"), value, 1e-9 * value);
        }
        try (var runs = Files.list(dir)) {
            Path run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
            String header = Files.readAllLines(run.resolve("steps.csv")).get(0);
            assertTrue(header.contains("probe.autocorrelation.momentum") && header.contains("probe.kronecker."), header);
        }
    }

    @Test
    void runWritesProbeColumnsEveryNSteps() throws IOException {
        MainTest.Run r = MainTest.run("run", "--task", "teacher-student-mlp", "--optimizer", "sgd", "--steps", "5",
                "--probes", "second-moment", "--probe-every", "2", "--runs-dir", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (var runs = Files.list(dir)) {
            List<String> lines = Files.readAllLines(runs.findFirst().orElseThrow().resolve("steps.csv"));
            List<String> header = List.of(lines.get(0).split(","));
            int column = header.indexOf("probe.second-moment.sq_norm");
            assertTrue(column > 0, lines.get(0));
            for (int step = 1; step <= 5; step++) {
                String[] cells = lines.get(step).split(",", -1);
                assertEquals(step % 2 == 1, !cells[column].isEmpty(), lines.get(step));
            }
        }
        MainTest.Run bad = MainTest.run("run", "--task", "teacher-student-mlp", "--optimizer", "sgd", "--steps", "5",
                "--probes", "nope", "--runs-dir", dir.toString());
        assertEquals(2, bad.exitCode(), "a usage error, as an unknown optimizer");
        assertTrue(bad.err().contains("unknown probe 'nope'"), bad.err());
    }

    @Test
    void eitherSigmaOrTask() throws IOException {
        fails(2, "either --sigma FILE or --task", "design", "--budget", "spectral");
        fails(2, "either --sigma FILE or --task", "design", "--budget", "spectral", "--task", "teacher-student-mlp",
                "--sigma", file("s.json", "{\"sigma\": [[1]]}").toString());
    }
}
