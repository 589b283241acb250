package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real data sets of the shared directory for tests, skipping when they are absent. */
final class SharedData {
    private SharedData() {}

    /** The shared directory: system property {@code optopt.shared} if it exists, else {@code /work/shared}. */
    static Path sharedDir() {
        String property = System.getProperty("optopt.shared");
        if (property != null && !property.isBlank() && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        return Path.of("/work/shared");
    }

    /** {@code <shared>/data/<relative>}, or skips the test when that file is absent. */
    static Path file(String relative) {
        Path file = sharedDir().resolve("data").resolve(relative);
        assumeTrue(Files.isRegularFile(file), () -> "skipped: shared data file " + file
                + " is absent (set -Doptopt.shared=<dir> to the directory holding data/, see shared/data/README.md)");
        return file;
    }
}
