package org.optopt.cli.study;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Function;
import org.optopt.tasks.suite.Task;

/**
 * A study's directory: the resolved study ({@code study.yaml}) and one run directory per trial
 * under {@code trials/}, named by {@link Trial#directoryName()}. A worker claims a trial by holding
 * an operating-system lock on {@code trials/<name>.lock} while it trains it; the lock goes with the
 * process, so a killed worker never leaves a trial claimed.
 *
 * <p>Several runners may work on one study directory at once (a second {@code optopt study run},
 * or the workers of {@code --jobs}): each <em>joins</em> as another worker and takes only trials
 * nobody holds. A complete trial is never run again; a failed one (e.g. diverged) is not retried;
 * an interrupted one is resumed from its checkpoint.
 */
public final class StudyDirectory {
    /** The resolved study's file name. */
    public static final String STUDY_FILE = "study.yaml";

    /** Where a trial stands. */
    public enum State {
        /** Not started. */
        PENDING,
        /** A worker holds it now. */
        RUNNING,
        /** Finished with results. */
        DONE,
        /** Finished with an error (its {@code STATUS} says which). */
        FAILED,
        /** Started, not finished, and nobody holds it: the next worker resumes it. */
        INTERRUPTED
    }

    private final Path dir;

    /** The study directory {@code dir}. */
    public StudyDirectory(Path dir) {
        this.dir = dir;
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /** The run directory of {@code trial}. */
    public Path trialDirectory(Trial trial) {
        return dir.resolve("trials").resolve(trial.directoryName());
    }

    /**
     * The resolved study saved here and its trials.
     *
     * @throws StudyException if {@code dir} holds no study
     */
    public Saved load(Function<String, Task> tasks) throws IOException {
        Path file = dir.resolve(STUDY_FILE);
        if (!Files.isRegularFile(file)) {
            throw new StudyException(dir + " is not a study directory (no " + STUDY_FILE + ")");
        }
        Study study = StudyFile.load(file, List.of());
        return new Saved(study, Trials.expand(study, tasks, study.backend()));
    }

    /**
     * A study as saved in its directory, with its trials.
     *
     * @param study the resolved study
     * @param trials its trials
     */
    public record Saved(Study study, List<Trial> trials) {}

    /**
     * Where {@code trial} stands now. Not for a trial this process holds: probing the lock from the
     * process that holds it would release it (POSIX locks belong to the process, and closing any
     * channel on the file drops them); a worker asks {@link #recorded} instead.
     */
    public State state(Trial trial) throws IOException {
        State recorded = recorded(trial);
        return recorded != State.PENDING && recorded != State.INTERRUPTED ? recorded
                : isHeld(trial) ? State.RUNNING : recorded;
    }

    /** Where {@code trial} stands by its files alone: pending, interrupted, done or failed. */
    public State recorded(Trial trial) throws IOException {
        Path run = trialDirectory(trial);
        Path status = run.resolve("STATUS");
        String s = Files.exists(status) ? Files.readString(status).strip() : "";
        if (s.equals("complete")) {
            return State.DONE;
        }
        if (s.startsWith("failed")) {
            return State.FAILED;
        }
        return Files.exists(run) ? State.INTERRUPTED : State.PENDING;
    }

    private boolean isHeld(Trial trial) throws IOException {
        try (Claim c = claim(trial)) {
            return c == null;
        }
    }

    /**
     * Claims {@code trial} for this process, or returns null if another worker holds it.
     * Closing the claim releases it.
     */
    public Claim claim(Trial trial) throws IOException {
        Path lock = dir.resolve("trials").resolve(trial.directoryName() + ".lock");
        Files.createDirectories(lock.getParent());
        FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            channel.close();
            return null;
        }
        return new Claim(channel);
    }

    /** A held trial; {@link #close()} releases it. */
    public static final class Claim implements AutoCloseable {
        private final FileChannel channel;

        private Claim(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
