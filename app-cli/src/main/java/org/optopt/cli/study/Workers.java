package org.optopt.cli.study;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --jobs N}: starts N worker processes, each this very command line with {@code --jobs 1},
 * and waits for them. The workers share the study directory as any runners do (see
 * {@link StudyDirectory}): each takes the next trial nobody holds. The command line is this
 * process's own ({@link ProcessHandle.Info}), so workers get the same JVM, module path and options.
 */
final class Workers {
    private Workers() {}

    /** Runs {@code jobs} workers of the command whose arguments were {@code args}. */
    static void run(List<String> args, int jobs, PrintWriter err) throws IOException {
        ProcessHandle.Info info = ProcessHandle.current().info();
        String[] all = info.arguments().orElseThrow(() -> new IllegalStateException(
                "--jobs needs this process's command line, which the operating system does not report"));
        List<String> command = new ArrayList<>();
        command.add(info.command().orElseThrow());
        command.addAll(List.of(all).subList(0, all.length - args.size()));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--jobs")) {
                i++;
            } else if (!a.startsWith("--jobs=")) {
                command.add(a);
            }
        }
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < jobs; w++) {
            workers.add(new ProcessBuilder(command).inheritIO().start());
        }
        int failed = 0;
        for (Process p : workers) {
            try {
                failed += p.waitFor() == 0 ? 0 : 1;
            } catch (InterruptedException e) {
                workers.forEach(Process::destroy);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the workers", e);
            }
        }
        if (failed > 0) {
            err.println("optopt: warning: " + failed + " of " + jobs + " workers exited with an error");
        }
    }
}
