package org.optopt.optimizers;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared data directory of the tests: system property {@code optopt.shared} if it exists, else /work/shared. */
public final class SharedData {
    private SharedData() {}

    /** The golden-file directory, or null if absent. */
    public static Path golden() {
        String prop = System.getProperty("optopt.shared");
        Path base = prop != null && Files.isDirectory(Path.of(prop)) ? Path.of(prop) : Path.of("/work/shared");
        Path golden = base.resolve("golden");
        return Files.isDirectory(golden) ? golden : null;
    }
}
