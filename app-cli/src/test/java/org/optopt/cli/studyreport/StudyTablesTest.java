package org.optopt.cli.studyreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;

/**
 * Re-runs at learned values, time per step against a baseline and a tied-key sensitivity sweep,
 * end to end on the reference backend; every number is recomputed here from the run files.
 */
class StudyTablesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rows of a CSV file without quoted commas (run logs). */
    private static List<String[]> csv(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> l.split(",", -1)).toList();
    }

    /** The trial directories of {@code optimizer} (as run.json writes it: the spec without settings). */
    private static List<Path> runs(Path study, String optimizer) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(study.resolve("trials"))) {
            for (Path d : s.filter(Files::isDirectory).sorted().toList()) {
                if (JSON.readTree(d.resolve("run.json").toFile()).get("optimizer").asText().equals(optimizer)) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private static double lastColumn(Path run, String column) throws IOException {
        List<String[]> rows = csv(run.resolve("steps.csv"));
        int c = Arrays.asList(rows.get(0)).indexOf(column);
        return Double.parseDouble(rows.get(rows.size() - 1)[c]);
    }

    /** Median of per-step differences of the seconds column after the first 10% of the steps. */
    private static double secondsPerStep(Path run) throws IOException {
        List<String[]> rows = csv(run.resolve("steps.csv"));
        int n = rows.size() - 1;
        double[] d = new double[n - 1 - n / 10];
        for (int i = n / 10 + 1, k = 0; i < n; i++, k++) {
            d[k] = Double.parseDouble(rows.get(i + 1)[1]) - Double.parseDouble(rows.get(i)[1]);
        }
        Arrays.sort(d);
        return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
    }

    private static String[] resultRow(Path report, String entry) throws IOException {
        // commas inside double quotes belong to the cell
        return Files.readAllLines(report.resolve("results.csv")).stream()
                .map(l -> Arrays.stream(l.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1))
                        .map(c -> c.startsWith("\"") ? c.substring(1, c.length() - 1).replace("\"\"", "\"") : c)
                        .toArray(String[]::new))
                .filter(r -> r[1].equals(entry)).findFirst().orElseThrow(() -> new AssertionError("no row " + entry));
    }

    @Test
    void learnedRerunsStepTimesAndSensitivityAreComputedFromTheRuns(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, """
                name: tables
                tasks: rosenbrock
                optimizers:
                  - spec: sgd(0.001)
                    label: base
                  - spec: sgd(0.001)/sgd(1e-6)
                    label: tower
                    baseline: base
                    reference: {test_loss: 0.5}
                  - spec: sgd
                    label: rerun
                    learned: {from: tower, hyperparameters: lr}
                  - spec: gap-sgdm(0.0001)
                    label: gap
                  - spec: gap-sgdm(0.0001, momenta=[0.9])
                    label: gap, one candidate
                  - spec: sgd/sgd
                    label: tied
                    grid: {"lr, level1.lr": [0.000001, 0.001]}
                seeds: 2
                budget: {steps: 40}
                evaluations: 2
                output: %s
                """.formatted(dir.resolve("out")));
        MainTest.Run run = MainTest.run("--backend", "reference", "study", "run", f.toString());
        assertEquals(0, run.exitCode(), run.err());
        // the tied sweep's larger value makes the tower diverge on rosenbrock: 2 failed trials
        assertTrue(run.out().contains("14 trials: 0 pending, 0 running, 12 done, 2 failed"), run.out() + run.err());
        Path out = dir.resolve("out");

        List<Path> tower = runs(out, "sgd(0.001)/sgd(1e-6)");
        assertEquals(2, tower.size());
        double learned = (lastColumn(tower.get(0), "L0.lr") + lastColumn(tower.get(1), "L0.lr")) / 2;
        List<Path> rerun = runs(out, "sgd");
        assertEquals(2, rerun.size());
        for (Path r : rerun) {
            JsonNode config = JSON.readTree(r.resolve("config.json").toFile());
            assertEquals(learned, config.get("hyperparameters").get("lr").asDouble(), 0.0, r.toString());
        }
        assertTrue(learned != 0.001, "the tower learned nothing; the test would not tell a re-run from its start");

        Path report = dir.resolve("report");
        MainTest.Run r = MainTest.run("report", out.toString(), "--out", report.toString());
        assertEquals(0, r.exitCode(), r.err());
        String[] rerunRow = resultRow(report, "rerun");
        double loss0 = Double.parseDouble(csv(rerun.get(0).resolve("evals.csv")).get(2)[2]);
        double loss1 = Double.parseDouble(csv(rerun.get(1).resolve("evals.csv")).get(2)[2]);
        assertEquals((loss0 + loss1) / 2, Double.parseDouble(rerunRow[5]), 1e-12 * Math.abs(loss0));
        assertEquals("2", rerunRow[3]);
        assertTrue(rerunRow[2].endsWith("+ learned lr"), rerunRow[2]);
        assertTrue(rerunRow[11].startsWith("lr "), rerunRow[11]);

        String[] towerRow = resultRow(report, "tower");
        double towerTime = (secondsPerStep(tower.get(0)) + secondsPerStep(tower.get(1))) / 2;
        List<Path> base = runs(out, "sgd(0.001)");
        double baseTime = (secondsPerStep(base.get(0)) + secondsPerStep(base.get(1))) / 2;
        assertEquals(towerTime, Double.parseDouble(towerRow[13]), 1e-12);
        assertEquals(towerTime / baseTime, Double.parseDouble(towerRow[15]), 1e-9);
        assertEquals("0.5", towerRow[9]);
        assertTrue(towerRow[11].contains("L0.lr "), "the learned lr is shown at its end value: " + towerRow[11]);

        // GAP's chosen momentum: the share of all steps of both seeds at each candidate
        List<Path> gap = runs(out, "gap-sgdm(0.0001)");
        java.util.TreeMap<Double, Integer> counts = new java.util.TreeMap<>();
        for (Path g : gap) {
            List<String[]> rows = csv(g.resolve("steps.csv"));
            int c = Arrays.asList(rows.get(0)).indexOf("momentum");
            rows.subList(1, rows.size()).forEach(row -> counts.merge(Double.parseDouble(row[c]), 1, Integer::sum));
        }
        StringBuilder expected = new StringBuilder("momentum:");
        counts.forEach((v, n) -> expected.append(String.format(java.util.Locale.ROOT, " %.4g %.1f%%", v, 100 * (n / 80.0))));
        assertTrue(counts.size() >= 2, "GAP never switched; the test would not check shares: " + counts);
        assertTrue(resultRow(report, "gap")[12].startsWith(expected.toString()), resultRow(report, "gap")[12] + " vs " + expected);

        // a decision that never changed is still shown (a setting that never changed is not)
        String[] one = resultRow(report, "gap, one candidate");
        assertEquals("momentum: 0.9000 100.0%; switches: 0.000 100.0%", one[12]);
        assertEquals("momentum 0.9000, switches 0.000", one[11]);
        assertEquals("", resultRow(report, "base")[12]);
        assertEquals("", resultRow(report, "base")[11]);

        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<h3>rosenbrock: sensitivity to lr</h3>"), html);
        assertTrue(html.contains("<tr><th>lr</th><th>tied</th></tr>\n<tr><td>1.00000e-06</td><td>"), html);
        assertTrue(html.contains("<tr><td>0.00100000</td><td> (2 failed)</td></tr>"), html);
        assertTrue(Files.exists(report.resolve("lr-sensitivity-rosenbrock.svg")));
    }
}
