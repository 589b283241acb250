package org.optopt.tasks.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {
    private static final String A = "0123456789abcdef0123456789abcdef01234567";
    private static final String B = "89abcdef0123456789abcdef0123456789abcdef";

    @Test
    void headIsReadFromLooseRefsPackedRefsDetachedHeadsAndWorktrees(@TempDir Path tmp) throws IOException {
        Path git = Files.createDirectories(tmp.resolve("repo/.git"));
        Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
        Files.createDirectories(git.resolve("refs/heads"));
        Files.writeString(git.resolve("refs/heads/main"), A + "\n");
        assertEquals(Optional.of(A), Provenance.headCommit(git));

        Files.delete(git.resolve("refs/heads/main"));
        Files.writeString(git.resolve("packed-refs"), "# pack-refs with: peeled\n" + B + " refs/heads/main\n");
        assertEquals(Optional.of(B), Provenance.headCommit(git));

        // A worktree: .git is a file naming its own git dir, which names the common one.
        Path wt = Files.createDirectories(git.resolve("worktrees/cli"));
        Files.writeString(wt.resolve("HEAD"), "ref: refs/heads/cli\n");
        Files.writeString(wt.resolve("commondir"), "../..\n");
        Files.writeString(git.resolve("refs/heads/cli"), A + "\n");
        Path checkout = Files.createDirectories(tmp.resolve("cli"));
        Files.writeString(checkout.resolve(".git"), "gitdir: " + wt + "\n");
        assertEquals(Optional.of(A), Provenance.headCommit(checkout.resolve(".git")));

        Files.writeString(wt.resolve("HEAD"), B + "\n");
        assertEquals(Optional.of(B), Provenance.headCommit(checkout.resolve(".git")), "detached HEAD");
        Files.writeString(wt.resolve("HEAD"), "ref: refs/heads/none\n");
        assertEquals(Optional.empty(), Provenance.headCommit(checkout.resolve(".git")), "unborn branch");
    }

    @Test
    void theCommitOfThisCheckoutIsGitsOwn() throws IOException, InterruptedException {
        Optional<String> ours = Provenance.gitCommit();
        Process git;
        try {
            git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        } catch (IOException e) {
            return; // no git here: nothing to compare with
        }
        String theirs = new String(git.getInputStream().readAllBytes()).strip();
        if (git.waitFor() == 0) {
            assertTrue(ours.isPresent(), "git knows the commit, Provenance does not");
            assertEquals(theirs, ours.get());
        }
    }
}
