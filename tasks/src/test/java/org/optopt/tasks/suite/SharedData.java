package org.optopt.tasks.suite;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared data directory of the tests: property {@code optopt.shared} if it exists, else /work/shared. */
final class SharedData {
    private SharedData() {}

    static Path shared() {
        String p = System.getProperty("optopt.shared");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("/work/shared");
    }

    /** A source that reads only the shared files (never downloads); data dir is a fresh temp dir. */
    static ResolverDataSource source(Path tempDir) {
        return ResolverDataSource.of(tempDir, shared(), false);
    }
}
