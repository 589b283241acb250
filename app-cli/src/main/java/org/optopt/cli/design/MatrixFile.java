package org.optopt.cli.design;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A JSON file of named matrices, e.g. {@code {"sigma": [[1, 0], [0, 2]]}}: the inputs of
 * {@code optopt design}. Every error names the file and the key.
 */
public final class MatrixFile {
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final Path path;
    private final JsonNode root;

    private MatrixFile(Path path, JsonNode root) {
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
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(path + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr()));
        }
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException(path + ": expected a JSON object such as {\"sigma\": [[...], ...]}");
        }
        return new MatrixFile(path, parsed);
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** Whether the object has {@code key}. */
    public boolean has(String key) {
        return root.has(key);
    }

    /**
     * The matrix under {@code key}: an array of rows, each an array of numbers (rows may differ in
     * length here; squareness is checked by the matrix's consumer).
     *
     * @throws IllegalArgumentException naming the file and key if it is absent or not an array of arrays of numbers
     */
    public double[][] matrix(String key) {
        JsonNode v = root.get(key);
        if (v == null) {
            throw new IllegalArgumentException(path + ": no \"" + key + "\" entry (expected {\"" + key + "\": [[...], ...]})");
        }
        if (!v.isArray() || v.isEmpty()) {
            throw new IllegalArgumentException(path + ": \"" + key + "\" must be a non-empty array of rows");
        }
        double[][] m = new double[v.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonNode row = v.get(i);
            if (!row.isArray()) {
                throw new IllegalArgumentException(path + ": \"" + key + "\" row " + i + " is not an array");
            }
            m[i] = new double[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                if (!row.get(j).isNumber()) {
                    throw new IllegalArgumentException(path + ": \"" + key + "\"[" + i + "][" + j + "] is not a number");
                }
                m[i][j] = row.get(j).doubleValue();
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
        JsonNode v = root.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isArray() && v.size() == 2 && positiveInteger(v.get(0)) && positiveInteger(v.get(1))) {
            return Optional.of(new int[] {v.get(0).intValue(), v.get(1).intValue()});
        }
        throw new IllegalArgumentException(path + ": \"" + key + "\" must be [rows, cols] with positive integers");
    }

    private static boolean positiveInteger(JsonNode n) {
        return n.isNumber() && n.canConvertToExactIntegral() && n.canConvertToInt() && n.intValue() >= 1;
    }
}
