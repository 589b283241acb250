package org.optopt.cli.study;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.run.Experiment;
import org.optopt.cli.run.ProgressBar;
import org.optopt.cli.run.TrainingOptions;
import org.optopt.cli.session.BackendChoice;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code optopt study}: runs a study file's trials and reports their progress. */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Run a study (a YAML or JSON file of tasks, optimizers, sweeps and seeds) or show its progress.",
        subcommands = {StudyCommand.Run.class, StudyCommand.Status.class})
public final class StudyCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code optopt study run FILE}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run every unfinished trial of a study (resuming interrupted ones); trials already done are"
                    + " never rerun. Several runners on one study directory join as workers and share the trials.")
    public static final class Run implements Runnable {
        private final Supplier<Backend> backend;
        private final BackendChoice choice;
        private final Optimizers optimizers;
        private final TaskRegistry tasks;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The study file (.yaml, .yml or .json).")
        private Path file;

        @Option(names = "--set", paramLabel = "study.KEY=VALUE",
                description = "Override a value of the study file, e.g. study.seeds=5 or study.budget.steps=200 (repeatable).")
        private List<String> overrides = List.of();

        @Option(names = "--trial-index", paramLabel = "I",
                description = "Run only trial I (0-based, in the order of 'optopt study status --list'), e.g. one per"
                        + " process of an external scheduler.")
        private Integer trialIndex;

        @Option(names = "--jobs", defaultValue = "1", paramLabel = "N",
                description = "Worker processes on this machine (default: ${DEFAULT-VALUE}).")
        private int jobs;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (as for 'optopt run').")
        private Path dataDir;

        @Option(names = "--no-download", description = "Never download missing data sets.")
        private boolean noDownload;

        @Inject
        Run(Supplier<Backend> backend, BackendChoice choice, Optimizers optimizers, TaskRegistry tasks) {
            this.backend = backend;
            this.choice = choice;
            this.optimizers = optimizers;
            this.tasks = tasks;
        }

        @Override
        public void run() {
            if (jobs < 1) {
                throw new ParameterException(spec.commandLine(), "--jobs must be at least 1, got " + jobs);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Study study = StudyFile.load(file, overrides);
                if (choice.name() == null && study.backend() != null) {
                    choice.setName(study.backend());
                }
                Study resolved = resolve(study, backend.get().name());
                List<Trial> trials = Trials.expand(resolved, tasks::get, resolved.backend());
                Experiment experiment = new Experiment(backend.get(), optimizers,
                        TrainingOptions.dataSource(dataDir, noDownload), err);
                OptimizerSpecs specs = new OptimizerSpecs(optimizers);
                trials.forEach(t -> check(specs, t));
                StudyDirectory dir = prepare(resolved);
                if (trialIndex != null) {
                    if (trialIndex < 0 || trialIndex >= trials.size()) {
                        throw new ParameterException(spec.commandLine(), "--trial-index must be in 0.."
                                + (trials.size() - 1) + ", got " + trialIndex);
                    }
                    trials = List.of(trials.get(trialIndex));
                }
                String label = "study " + resolved.name();
                if (jobs > 1) {
                    Workers.run(spec.root().commandLine().getParseResult().originalArgs(), jobs, dir,
                            new StudyProgress(dir, trials, new ProgressBar(err, label, System.console() != null)), err);
                } else {
                    // A line before the first trial and after each: during a trial its own bar has the line.
                    StudyProgress progress = new StudyProgress(dir, trials,
                            new ProgressBar(err, label, false, System::nanoTime, 0));
                    StudyRunner.Tally t = new StudyRunner(resolved, dir, experiment, tasks::get, err, progress)
                            .run(trials);
                    out.printf(Locale.ROOT, "this worker: %d trial(s) run, %d resumed, %d failed%n", t.ran(),
                            t.resumed(), t.failed());
                }
                Status.print(dir, dir.load(tasks::get).trials(), out, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }

        /** Resolves a trial's optimizer and settings as its run will, so that a bad one stops the study before any trial. */
        private static void check(OptimizerSpecs specs, Trial t) {
            try {
                specs.set(specs.parse(t.optimizer().text()), t.optimizer().settings());
            } catch (IllegalArgumentException e) {
                throw new StudyException("optimizers[" + t.entry() + "] (" + t.optimizer() + "): " + e.getMessage());
            }
        }

        /** The study with its backend named (saved so that status and scores find the same trials). */
        private static Study resolve(Study study, String backend) {
            Map<String, Node> tree = new LinkedHashMap<>(study.tree().map());
            tree.put("backend", new Node(backend, 0));
            Node root = new Node(tree, 0);
            return Study.from(root, "study");
        }

        /** Creates the study directory and saves the resolved study; refuses another study's directory. */
        private static StudyDirectory prepare(Study study) throws IOException {
            StudyDirectory dir = new StudyDirectory(study.output());
            Files.createDirectories(study.output().resolve("trials"));
            Path saved = study.output().resolve(StudyDirectory.STUDY_FILE);
            if (Files.exists(saved)) {
                String other = Study.from(Node.read(saved), saved.toString()).name();
                if (!other.equals(study.name())) {
                    throw new StudyException(study.output() + " holds study '" + other + "', not '" + study.name()
                            + "'; set another output");
                }
            }
            StudyFile.write(study, saved);
            return dir;
        }
    }

    /** {@code optopt study status DIR}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Count a study's trials by state: done, running, interrupted, failed, pending.")
    public static final class Status implements Runnable {
        private final TaskRegistry tasks;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The study directory.")
        private Path dir;

        @Option(names = "--list", description = "One line per trial: index, state, directory and configuration.")
        private boolean list;

        @Inject
        Status(TaskRegistry tasks) {
            this.tasks = tasks;
        }

        @Override
        public void run() {
            try {
                StudyDirectory d = new StudyDirectory(dir);
                print(d, d.load(tasks::get).trials(), spec.commandLine().getOut(), list);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }

        static void print(StudyDirectory d, List<Trial> trials, PrintWriter out, boolean list) throws IOException {
            Map<StudyDirectory.State, Integer> counts = new EnumMap<>(StudyDirectory.State.class);
            List<String> lines = new ArrayList<>();
            for (Trial t : trials) {
                StudyDirectory.State s = d.state(t);
                counts.merge(s, 1, Integer::sum);
                lines.add(String.format(Locale.ROOT, "%4d  %-11s %s  %s", t.index(), s.name().toLowerCase(Locale.ROOT),
                        t.directoryName(), t));
            }
            if (list) {
                lines.forEach(out::println);
            }
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "study %s: %d trials:", d.path(), trials.size()));
            for (StudyDirectory.State s : StudyDirectory.State.values()) {
                sb.append(' ').append(counts.getOrDefault(s, 0)).append(' ').append(s.name().toLowerCase(Locale.ROOT))
                        .append(s == StudyDirectory.State.INTERRUPTED ? "" : ",");
            }
            out.println(sb);
        }
    }
}
