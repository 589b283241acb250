package org.optopt.tasks.suite;

import java.io.IOException;

/**
 * Where tasks get their data: the suite's view of the data layer ({@code org.optopt.tasks.data}).
 * Data-set ids and file names are those of {@link DataRequirement}.
 */
public interface DataSource {
    /** The two splits of a labelled data set. */
    enum Split {
        /** The training split. */
        TRAIN,
        /** The held-out split used for evaluation. */
        TEST
    }

    /** Whether every file of {@code requirement} is present locally (nothing is downloaded to answer). */
    boolean isAvailable(DataRequirement requirement);

    /**
     * A split of a labelled data set, features as stored (e.g. pixels 0..255, LIBSVM values), labels
     * as class indices (LIBSVM's -1/+1 as 0/1).
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the data set is unknown or has no such split
     */
    Examples labeled(String dataSet, Split split) throws IOException;

    /**
     * The text of a text corpus.
     *
     * @throws IOException if the file cannot be read
     */
    String text(String dataSet) throws IOException;
}
