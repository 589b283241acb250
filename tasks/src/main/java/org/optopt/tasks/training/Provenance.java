package org.optopt.tasks.training;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * Which optopt produced a result: the version in the jar's manifest and, when optopt runs from a
 * git checkout, the commit checked out there. The commit is read from the files of {@code .git}
 * (worktrees and packed refs included) without starting {@code git}; it does not say whether the
 * work tree had uncommitted changes.
 */
public final class Provenance {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{40,64}");

    private Provenance() {}

    /** The manifest's {@code Implementation-Version}, or {@code development} when run from classes. */
    public static String version() {
        try (InputStream in = Provenance.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
            String v = in == null ? null : new Manifest(in).getMainAttributes().getValue("Implementation-Version");
            return v == null ? "development" : v;
        } catch (IOException e) {
            return "development";
        }
    }

    /** The commit of the checkout that holds optopt's classes or jar, if there is one. */
    public static Optional<String> gitCommit() {
        try {
            Path code = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = code.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path dotGit = dir.resolve(".git");
                if (Files.exists(dotGit)) {
                    return headCommit(dotGit);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // No code source, an unreadable .git: the commit is simply not known.
        }
        return Optional.empty();
    }

    /**
     * The commit that HEAD names in {@code dotGit}: a directory, or a worktree's file pointing
     * at one ({@code gitdir: path}).
     */
    static Optional<String> headCommit(Path dotGit) throws IOException {
        Path gitDir = dotGit;
        if (Files.isRegularFile(dotGit)) {
            String pointer = Files.readString(dotGit).strip();
            if (!pointer.startsWith("gitdir:")) {
                return Optional.empty();
            }
            gitDir = dotGit.resolveSibling(pointer.substring("gitdir:".length()).strip()).normalize();
        }
        Path common = gitDir;
        Path commonFile = gitDir.resolve("commondir");
        if (Files.isRegularFile(commonFile)) {
            common = gitDir.resolve(Files.readString(commonFile).strip()).normalize();
        }
        String head = Files.readString(gitDir.resolve("HEAD")).strip();
        if (!head.startsWith("ref:")) {
            return hash(head);
        }
        String ref = head.substring("ref:".length()).strip();
        for (Path base : new Path[] {gitDir, common}) {
            Path loose = base.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return hash(Files.readString(loose).strip());
            }
        }
        Path packed = common.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed)) {
                if (line.endsWith(" " + ref)) {
                    return hash(line.substring(0, line.indexOf(' ')));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> hash(String text) {
        return HASH.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }
}
