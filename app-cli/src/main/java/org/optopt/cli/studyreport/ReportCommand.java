package org.optopt.cli.studyreport;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.optopt.cli.study.StudyDirectory;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code optopt report STUDY_DIR --out DIR}: a study's static HTML report. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a study's report: one HTML page with score tables, performance profiles, curves with"
                + " seed bands, effective hyperparameters and learning-rate sensitivity (SVG and PNG figures).")
public final class ReportCommand implements Runnable {
    private final TaskRegistry tasks;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
    private Path dir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where index.html and its figures go.")
    private Path out;

    @Inject
    ReportCommand(TaskRegistry tasks) {
        this.tasks = tasks;
    }

    @Override
    public void run() {
        try {
            StudyDirectory d = new StudyDirectory(dir);
            Path page = new StudyReport(d, d.load(tasks::get)).write(out);
            spec.commandLine().getOut().println("report: " + page);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
