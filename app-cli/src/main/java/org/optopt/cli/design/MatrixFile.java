package org.optopt.cli.design;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.optimizers.golden.Json;

/**
 * A JSON file of named matrices, e.g. {@code {"sigma": [[1, 0], [0, 2]]}}: the inputs of
 * {@code optopt design}. Every error names the file and the key.
 */
public final class MatrixFile {
    private final Path path;
    private final Map<?, ?> root;

    private MatrixFile(Path path, Map<?, ?> root) {
        this.path = path;
        this.root = root;
    }

    /**
     * Reads and parses {@code path}; its top level must be a JSON object.
     *
     * @throws IllegalArgumentException naming the file if it is missing, unreadable or not a JSON object
     */
    public static MatrixFile read(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot be read: " + e.getMessage());
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(path + ": expected a JSON object such as {\"sigma\": [[...], ...]}");
        }
        return new MatrixFile(path, map);
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** Whether the object has {@code key}. */
    public boolean has(String key) {
        return root.containsKey(key);
    }

    /**
     * The matrix under {@code key}: an array of rows, each an array of numbers (rows may differ in
     * length here; squareness is checked by the matrix's consumer).
     *
     * @throws IllegalArgumentException naming the file and key if it is absent or not an array of arrays of numbers
     */
    public double[][] matrix(String key) {
        Object v = root.get(key);
        if (v == null) {
            throw new IllegalArgumentException(path + ": no \"" + key + "\" entry (expected {\"" + key + "\": [[...], ...]})");
        }
        if (!(v instanceof List<?> rows) || rows.isEmpty()) {
            throw new IllegalArgumentException(path + ": \"" + key + "\" must be a non-empty array of rows");
        }
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            if (!(rows.get(i) instanceof List<?> row)) {
                throw new IllegalArgumentException(path + ": \"" + key + "\" row " + i + " is not an array");
            }
            m[i] = new double[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                if (!(row.get(j) instanceof Double d)) {
                    throw new IllegalArgumentException(path + ": \"" + key + "\"[" + i + "][" + j + "] is not a number");
                }
                m[i][j] = d;
            }
        }
        return m;
    }

    /**
     * The optional shape {@code [rows, cols]} under {@code key}.
     *
     * @throws IllegalArgumentException naming the file if it is present but not two positive integers
     */
    public Optional<int[]> shape(String key) {
        Object v = root.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Double r && l.get(1) instanceof Double c
                && r >= 1 && c >= 1 && r == Math.rint(r) && c == Math.rint(c)) {
            return Optional.of(new int[] {r.intValue(), c.intValue()});
        }
        throw new IllegalArgumentException(path + ": \"" + key + "\" must be [rows, cols] with positive integers");
    }
}
