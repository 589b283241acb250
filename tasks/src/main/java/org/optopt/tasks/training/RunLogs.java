package org.optopt.tasks.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a run directory's {@code steps.csv} and {@code evals.csv} back into records (for resumed
 * runs, scores and reports). A last line without its line end (a log cut by a crash in another
 * writer) is ignored; empty cells read as NaN.
 */
public final class RunLogs {
    private RunLogs() {}

    /** The steps of {@code dir}'s {@code steps.csv} (none if it is missing or empty). */
    public static List<StepRecord> steps(Path dir) throws IOException {
        List<String> lines = lines(dir.resolve("steps.csv"));
        List<StepRecord> out = new ArrayList<>();
        if (lines.isEmpty()) {
            return out;
        }
        String[] header = lines.get(0).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, Double> hyper = new LinkedHashMap<>();
            for (int c = 3; c < header.length; c++) {
                hyper.put(header[c], number(cells[c]));
            }
            out.add(new StepRecord(Long.parseLong(cells[0]), number(cells[1]), number(cells[2]), hyper));
        }
        return out;
    }

    /** The evaluations of {@code dir}'s {@code evals.csv}. */
    public static List<EvalRecord> evaluations(Path dir) throws IOException {
        List<String> lines = lines(dir.resolve("evals.csv"));
        List<EvalRecord> out = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] cells = line.split(",", -1);
            out.add(new EvalRecord(Long.parseLong(cells[0]), number(cells[1]), number(cells[2]), number(cells[3])));
        }
        return out;
    }

    static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end).lines().toList();
    }

    private static double number(String cell) {
        return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }
}
