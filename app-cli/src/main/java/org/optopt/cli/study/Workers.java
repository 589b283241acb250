package org.optopt.cli.study;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.optopt.cli.LauncherStderr;

/**
 * {@code --jobs N}: starts N worker processes, each this very command line with {@code --jobs 1},
 * and waits for them. The workers share the study directory as any runners do (see
 * {@link StudyDirectory}): each takes the next trial nobody holds. The command line is this
 * process's own ({@link ProcessHandle.Info}), so workers get the same JVM, module path and options.
 * Each worker's output (its trials and their progress) goes to {@code workers/worker-K.log} in the
 * study directory, so that this process's study progress line has the terminal to itself; it
 * redraws the line while it waits (the {@link StudyProgress}'s bar decides how often it is drawn).
 */
final class Workers {
    /** How often the study's progress is read while the workers run. */
    private static final long POLL_MILLIS = 1000;

    private Workers() {}

    /**
     * Runs {@code jobs} workers of the command whose arguments were {@code args}, their logs in
     * {@code directory}, showing {@code progress} until every worker has exited.
     */
    static void run(List<String> args, int jobs, StudyDirectory directory, StudyProgress progress, PrintWriter err)
            throws IOException {
        ProcessHandle.Info info = ProcessHandle.current().info();
        String[] all = info.arguments().orElseThrow(() -> new IllegalStateException(
                "--jobs needs this process's command line, which the operating system does not report"));
        List<String> command = new ArrayList<>();
        command.add(info.command().orElseThrow());
        // The JVM's options, less the launcher's stderr hand-back: a worker's stderr is its log, and its
        // descriptor 3 is not the launcher's (LauncherStderr).
        List.of(all).subList(0, all.length - args.size()).stream()
                .filter(option -> !option.startsWith("-D" + LauncherStderr.PROPERTY + "="))
                .forEach(command::add);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--jobs")) {
                i++;
            } else if (!a.startsWith("--jobs=")) {
                command.add(a);
            }
        }
        Path logs = Files.createDirectories(directory.path().resolve("workers"));
        err.println("workers' output: " + logs.resolve("worker-K.log") + ", K = 1.." + jobs);
        err.flush();
        List<Process> workers = new ArrayList<>();
        for (int w = 1; w <= jobs; w++) {
            File log = logs.resolve("worker-" + w + ".log").toFile();
            workers.add(new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectErrorStream(true).redirectOutput(log).start());
        }
        try {
            while (workers.stream().anyMatch(Process::isAlive)) {
                progress.update();
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            workers.forEach(Process::destroy);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the workers", e);
        }
        progress.update();
        long failed = workers.stream().filter(p -> p.exitValue() != 0).count();
        if (failed > 0) {
            err.println("optopt: warning: " + failed + " of " + jobs + " workers exited with an error (see their logs)");
        }
    }
}
