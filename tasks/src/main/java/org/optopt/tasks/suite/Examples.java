package org.optopt.tasks.suite;

/**
 * A labelled split of a data set in host memory: row i has features
 * {@code features[i*width .. (i+1)*width)} and class {@code labels[i]} in {@code [0, classes)}.
 */
public record Examples(float[] features, int width, int[] labels, int classes) {
    /** Checks that the arrays fit together and every label is in range. */
    public Examples {
        if (width <= 0 || features.length % width != 0 || features.length / width != labels.length) {
            throw new IllegalArgumentException("Examples: " + features.length + " features of width " + width
                    + " do not match " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("Examples: label " + labels[i] + " of row " + i
                        + " is outside [0, " + classes + ")");
            }
        }
    }

    /** Number of examples. */
    public int rows() {
        return labels.length;
    }
}
