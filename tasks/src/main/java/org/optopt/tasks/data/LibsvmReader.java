package org.optopt.tasks.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads binary-classification data in LIBSVM's sparse text format into a dense {@link Dataset}.
 *
 * <p>Each record is one line {@code label index:value index:value ...} with 1-based, strictly
 * increasing feature indices; absent features are 0. Labels {@code +1}/{@code 1} become class 1
 * and {@code -1}/{@code 0} class 0. Blank lines are skipped and {@code #} starts a comment that
 * runs to the end of the line. Feature {@code index} lands in column {@code index - 1}.
 */
public final class LibsvmReader {
    private LibsvmReader() {}

    /** Reads {@code file}; the feature count is the largest index that occurs. */
    public static Dataset read(Path file) throws IOException {
        return parse(file, 0);
    }

    /**
     * Reads {@code file} with a given feature count, e.g. 123 for {@code a9a.t}, whose largest
     * index is only 122.
     *
     * @throws IllegalArgumentException if an index exceeds {@code featureCount}, or as below
     */
    public static Dataset read(Path file, int featureCount) throws IOException {
        if (featureCount <= 0) {
            throw new IllegalArgumentException("LIBSVM feature count must be positive, was " + featureCount);
        }
        return parse(file, featureCount);
    }

    /** One parsed record: its class and its features in increasing index order. */
    private record Row(int label, int[] indices, float[] values) {}

    private static Dataset parse(Path file, int givenFeatures) throws IOException {
        List<Row> rows = new ArrayList<>();
        int maxIndex = 0;
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                int hash = line.indexOf('#');
                String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!content.isEmpty()) {
                    Row row = parseLine(file, lineNumber, content, givenFeatures);
                    if (row.indices().length > 0) {
                        maxIndex = Math.max(maxIndex, row.indices()[row.indices().length - 1]);
                    }
                    rows.add(row);
                }
            }
        } catch (CharacterCodingException e) {
            throw DataFiles.corrupt(file, "not valid UTF-8 text after line " + lineNumber);
        }
        if (rows.isEmpty()) {
            throw DataFiles.corrupt(file, "contains no LIBSVM records");
        }
        int width = givenFeatures > 0 ? givenFeatures : maxIndex;
        if (width == 0) {
            throw DataFiles.corrupt(file, "no record has a feature; give the feature count explicitly");
        }
        if ((long) rows.size() * width > Integer.MAX_VALUE - 8) {
            throw DataFiles.corrupt(file, rows.size() + " rows x " + width + " features do not fit one dense array");
        }
        float[] features = new float[rows.size() * width];
        int[] labels = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            labels[r] = row.label();
            for (int k = 0; k < row.indices().length; k++) {
                features[r * width + row.indices()[k] - 1] = row.values()[k];
            }
        }
        return new Dataset(features, width, labels, 2);
    }

    private static Row parseLine(Path file, int line, String content, int givenFeatures) {
        String[] tokens = content.split("\\s+");
        int label = parseLabel(file, line, tokens[0]);
        int[] indices = new int[tokens.length - 1];
        float[] values = new float[tokens.length - 1];
        int previous = 0;
        for (int k = 0; k < indices.length; k++) {
            String token = tokens[k + 1];
            int colon = token.indexOf(':');
            if (colon <= 0 || colon == token.length() - 1) {
                throw lineError(file, line, "feature '" + token + "' is not of the form index:value");
            }
            int index;
            try {
                index = Integer.parseInt(token, 0, colon, 10);
            } catch (NumberFormatException e) {
                throw lineError(file, line, "feature index in '" + token + "' is not an integer");
            }
            float value;
            try {
                value = Float.parseFloat(token.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw lineError(file, line, "feature value in '" + token + "' is not a number");
            }
            if (index < 1) {
                throw lineError(file, line, "feature index " + index + " in '" + token + "' is below 1 (indices are 1-based)");
            }
            if (index <= previous) {
                throw lineError(file, line, "feature index " + index + " does not increase after " + previous);
            }
            if (givenFeatures > 0 && index > givenFeatures) {
                throw lineError(file, line, "feature index " + index + " exceeds the feature count " + givenFeatures);
            }
            if (!Float.isFinite(value)) {
                throw lineError(file, line, "feature value in '" + token + "' is not finite");
            }
            indices[k] = index;
            values[k] = value;
            previous = index;
        }
        return new Row(label, indices, values);
    }

    private static int parseLabel(Path file, int line, String token) {
        double label;
        try {
            label = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw lineError(file, line, "label '" + token + "' is not a number");
        }
        if (label == 1) {
            return 1;
        }
        if (label == -1 || label == 0) {
            return 0;
        }
        throw lineError(file, line, "label '" + token + "' is not one of +1, -1, 1, 0");
    }

    private static IllegalArgumentException lineError(Path file, int line, String problem) {
        return DataFiles.corrupt(file, "line " + line + ": " + problem);
    }
}
