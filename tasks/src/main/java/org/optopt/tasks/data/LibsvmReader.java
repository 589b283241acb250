package org.optopt.tasks.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static Dataset parse(Path file, int givenFeatures) throws IOException {
        List<int[]> indices = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        int[] labels = new int[1024];
        int maxIndex = 0;
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                int hash = line.indexOf('#');
                String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (content.isEmpty()) {
                    continue;
                }
                String[] tokens = content.split("\\s+");
                if (indices.size() == labels.length) {
                    labels = Arrays.copyOf(labels, 2 * labels.length);
                }
                labels[indices.size()] = parseLabel(file, lineNumber, tokens[0]);
                int[] idx = new int[tokens.length - 1];
                float[] val = new float[tokens.length - 1];
                for (int t = 1; t < tokens.length; t++) {
                    parseFeature(file, lineNumber, tokens[t], givenFeatures, t == 1 ? 0 : idx[t - 2], idx, val, t - 1);
                }
                if (idx.length > 0) {
                    maxIndex = Math.max(maxIndex, idx[idx.length - 1]);
                }
                indices.add(idx);
                values.add(val);
            }
        } catch (CharacterCodingException e) {
            throw DataFiles.corrupt(file, "not valid UTF-8 text after line " + lineNumber);
        }
        int rows = indices.size();
        if (rows == 0) {
            throw DataFiles.corrupt(file, "contains no LIBSVM records");
        }
        int width = givenFeatures > 0 ? givenFeatures : maxIndex;
        if (width == 0) {
            throw DataFiles.corrupt(file, "no record has a feature; give the feature count explicitly");
        }
        if ((long) rows * width > Integer.MAX_VALUE - 8) {
            throw DataFiles.corrupt(file, rows + " rows x " + width + " features do not fit one dense array");
        }
        float[] features = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            int[] idx = indices.get(r);
            float[] val = values.get(r);
            for (int k = 0; k < idx.length; k++) {
                features[r * width + idx[k] - 1] = val[k];
            }
        }
        return new Dataset(features, width, Arrays.copyOf(labels, rows), 2);
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

    private static void parseFeature(Path file, int line, String token, int givenFeatures,
            int previousIndex, int[] idx, float[] val, int k) {
        int colon = token.indexOf(':');
        if (colon <= 0 || colon == token.length() - 1) {
            throw lineError(file, line, "feature '" + token + "' is not of the form index:value");
        }
        int index;
        float value;
        try {
            index = Integer.parseInt(token, 0, colon, 10);
        } catch (NumberFormatException e) {
            throw lineError(file, line, "feature index in '" + token + "' is not an integer");
        }
        try {
            value = Float.parseFloat(token.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw lineError(file, line, "feature value in '" + token + "' is not a number");
        }
        if (index < 1) {
            throw lineError(file, line, "feature index " + index + " in '" + token + "' is below 1 (indices are 1-based)");
        }
        if (index <= previousIndex) {
            throw lineError(file, line, "feature index " + index + " does not increase after " + previousIndex);
        }
        if (givenFeatures > 0 && index > givenFeatures) {
            throw lineError(file, line, "feature index " + index + " exceeds the feature count " + givenFeatures);
        }
        if (!Float.isFinite(value)) {
            throw lineError(file, line, "feature value in '" + token + "' is not finite");
        }
        idx[k] = index;
        val[k] = value;
    }

    private static IllegalArgumentException lineError(Path file, int line, String problem) {
        return DataFiles.corrupt(file, "line " + line + ": " + problem);
    }
}
