package org.optopt.tasks.suite;

import java.util.List;
import java.util.Objects;

/**
 * The files of one data set a task reads.
 *
 * @param dataSet the data set's id, e.g. {@code mnist}
 * @param files the file names within the data set's directory
 */
public record DataRequirement(String dataSet, List<String> files) {
    /** Copies the file list; both parts are required. */
    public DataRequirement {
        Objects.requireNonNull(dataSet, "dataSet");
        files = List.copyOf(files);
    }

    @Override
    public String toString() {
        return dataSet + " " + files;
    }
}
