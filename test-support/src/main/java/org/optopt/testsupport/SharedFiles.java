package org.optopt.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only shared folder of the tests (data sets under {@code data/}, reference trajectories under
 * {@code golden/}), which a fresh clone does not have.
 *
 * <p>The folder is the system property {@value #PROPERTY} when it is set (the build sets it to
 * {@code ../shared} beside the checkout), else {@code ../shared} beside the nearest ancestor of the
 * working directory that holds the Maven wrapper (an IDE run). A test asks for the file it needs; when
 * the file is absent the test is skipped with a message naming the file and how to supply it, never
 * failed and never pointed at a machine-specific path.
 */
public final class SharedFiles {
    /** The system property naming the shared folder. */
    public static final String PROPERTY = "optopt.shared";

    private final Path root;

    private SharedFiles(Path root) {
        this.root = root;
    }

    /** The shared folder as configured for this JVM (see the class comment); it may not exist. */
    public static SharedFiles configured() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return at(Path.of(property));
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return at(dir == null ? Path.of("../shared").toAbsolutePath() : dir.resolveSibling("shared"));
    }

    /** The shared folder at {@code root}, which may not exist. */
    public static SharedFiles at(Path root) {
        return new SharedFiles(root.toAbsolutePath().normalize());
    }

    /** The folder itself, whether or not it exists. */
    public Path root() {
        return root;
    }

    /** {@code data/<relative>} (a file or a folder), or skips the calling test when it is absent. */
    public Path data(String relative) {
        return require("data/" + relative);
    }

    /** {@code golden/<relative>} (a file or a folder), or skips the calling test when it is absent. */
    public Path golden(String relative) {
        return require("golden/" + relative);
    }

    /** The folder {@code golden/}, or skips the calling test when it is absent. */
    public Path goldenDir() {
        return require("golden");
    }

    /** Whether {@code <root>/<relative>} exists, for tests that choose between cases rather than skip. */
    public boolean has(String relative) {
        return Files.exists(root.resolve(relative));
    }

    /** {@code <root>/<relative>}, or skips the calling test with {@link #skipMessage} when it is absent. */
    public Path require(String relative) {
        Path path = root.resolve(relative);
        assumeTrue(Files.exists(path), () -> skipMessage(relative));
        return path;
    }

    /** The message of a test skipped because {@code <root>/<relative>} is absent. */
    public String skipMessage(String relative) {
        return "skipped: " + relative + " is not in the shared folder " + root
                + " (a fresh clone has no shared folder; set -D" + PROPERTY + "=DIR to a folder holding data/ and golden/)";
    }
}
