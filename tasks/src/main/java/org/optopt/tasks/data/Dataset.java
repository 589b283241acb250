package org.optopt.tasks.data;

import java.util.Arrays;

/**
 * A labelled data set held in host memory: {@code rows} examples, each a row of {@code width}
 * features, stored row-major in one {@code float[]} (feature {@code j} of example {@code i} is
 * {@code features[i * width + j]}), and one class label per example in {@code [0, classes)}.
 *
 * <p>The arrays are not copied, neither by the constructor nor by the accessors: a data set is
 * large and shared read-only; callers must not modify them. Transformations such as
 * {@link #scaled(float)} return a new data set with new arrays for the changed part.
 * {@link #equals(Object)} compares contents.
 *
 * @param features row-major features, length {@code labels.length * width}
 * @param width number of features per example, positive
 * @param labels class label per example, each in {@code [0, classes)}
 * @param classes number of classes, positive
 */
public record Dataset(float[] features, int width, int[] labels, int classes) {

    /** Validates the layout: feature count, label range. */
    public Dataset {
        if (width <= 0) {
            throw new IllegalArgumentException("Dataset width must be positive, was " + width);
        }
        if (classes <= 0) {
            throw new IllegalArgumentException("Dataset classes must be positive, was " + classes);
        }
        if ((long) labels.length * width != features.length) {
            throw new IllegalArgumentException("Dataset has " + labels.length + " labels of width "
                    + width + " but " + features.length + " features (expected "
                    + (long) labels.length * width + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("Dataset label " + labels[i] + " of example "
                        + i + " is outside [0, " + classes + ")");
            }
        }
    }

    /** Number of examples. */
    public int rows() {
        return labels.length;
    }

    /** {@code counts[c]} = number of examples with label {@code c}, for {@code c} in {@code [0, classes)}. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** A copy of the features of example {@code row}. */
    public float[] row(int row) {
        if (row < 0 || row >= rows()) {
            throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows() + ")");
        }
        return Arrays.copyOfRange(features, row * width, (row + 1) * width);
    }

    /** A data set with every feature multiplied by {@code factor}: {@code x' = factor * x}; labels shared. */
    public Dataset scaled(float factor) {
        if (!Float.isFinite(factor)) {
            throw new IllegalArgumentException("scale factor must be finite, was " + factor);
        }
        float[] out = new float[features.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = features[i] * factor;
        }
        return new Dataset(out, width, labels, classes);
    }

    /**
     * Maps 8-bit pixel intensities {@code 0..255} to {@code [0, 1]}: {@code x' = x / 255}.
     *
     * @throws IllegalArgumentException if a feature lies outside {@code [0, 255]} (not pixel data)
     */
    public Dataset pixelsToUnitInterval() {
        for (int i = 0; i < features.length; i++) {
            if (!(features[i] >= 0f && features[i] <= 255f)) {
                throw new IllegalArgumentException("feature " + i + " = " + features[i]
                        + " is not an 8-bit pixel value in [0, 255]");
            }
        }
        float[] out = new float[features.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = features[i] / 255f;
        }
        return new Dataset(out, width, labels, classes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Dataset that
                && width == that.width
                && classes == that.classes
                && Arrays.equals(labels, that.labels)
                && Arrays.equals(features, that.features);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(features) + width) + Arrays.hashCode(labels)) + classes;
    }

    @Override
    public String toString() {
        return "Dataset[rows=" + rows() + ", width=" + width + ", classes=" + classes + "]";
    }
}
