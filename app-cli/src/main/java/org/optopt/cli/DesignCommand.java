package org.optopt.cli;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.ejml.data.DMatrixRMaj;
import org.optopt.cli.design.DesignReport;
import org.optopt.cli.design.MatrixFile;
import org.optopt.cli.design.TaskDesign;
import org.optopt.cli.run.ProbeRun;
import org.optopt.cli.run.TrainingOptions;
import org.optopt.theory.Budget;
import org.optopt.theory.Budgets;
import org.optopt.theory.Design;
import org.optopt.theory.NumericSolver;
import org.optopt.theory.SecondMoment;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code optopt design}: the optimal optimizer for gradient statistics under a budget (paper A):
 * maximize E[g^T Q g] = &lt;Q, Sigma&gt; over PSD Q in the budget set, in closed form or numerically.
 *
 * <p>With {@code --task T --steps N} it trains the task (a run directory like {@code optopt run}'s,
 * with every probe attached) and designs per layer from the collected statistics ({@link TaskDesign}):
 * from the full measured Sigma of small layers, the diagonal of larger ones, the Kronecker factors
 * for {@code kronecker}, and K-FAC per matrix layer for {@code metric} without {@code --metric}.
 *
 * <p>Exit codes: 2 for usage errors (unknown budget, a non-positive radius or eps, a missing or
 * superfluous input); 1 for failures, each one line naming the file: a file that is missing or
 * not JSON, a matrix that is not square, not symmetric or not PSD within
 * {@link SecondMoment#TOLERANCE}, a singular metric without damping, dimension mismatches, a
 * numeric solver that does not converge.
 */
@Command(name = "design", mixinStandardHelpOptions = true,
        description = "The optimal optimizer for gradient statistics under a budget: max E[g^T Q g] over PSD Q"
                + " in the budget set (paper A). Budgets: spectral, frobenius, trace, diagonal-l2, diagonal-box,"
                + " update-rms, update-rms-eps, update-second-moment, metric, kronecker, weighted-frobenius, and"
                + " intersections NAME[:RADIUS]+NAME[:RADIUS].")
final class DesignCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--budget", required = true, paramLabel = "NAME", description = "The budget set (see above).")
    private String budget;

    @Option(names = "--radius", defaultValue = "1", paramLabel = "C",
            description = "The budget's radius c > 0 (default: ${DEFAULT-VALUE}).")
    private double radius;

    @Option(names = "--sigma", paramLabel = "FILE",
            description = "Sigma = E[g g^T] as {\"sigma\": [[...], ...]} (optionally with \"shape\": [rows, cols]"
                    + " for the kronecker budget). Either this or --task.")
    private Path sigma;

    @Mixin
    private TrainingOptions training;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "OPT",
            description = "With --task: the optimizer that trains while the probes collect statistics (default: ${DEFAULT-VALUE}).")
    private String optimizer;

    @Option(names = "--seed", defaultValue = "0", description = "With --task: the run's seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    private final Supplier<Backend> backend;
    private final Optimizers optimizers;
    private final TaskRegistry tasks;

    @Option(names = "--metric", paramLabel = "FILE",
            description = "The metric budget's P as {\"metric\": [[...], ...]}, or K-FAC factors {\"A\": ..., \"G\": ...}"
                    + " (P = A (x) G). With --task and no --metric: K-FAC per matrix layer from the run's Kronecker"
                    + " factors, P = I for the other layers.")
    private Path metric;

    @Option(names = "--damping", defaultValue = "0", paramLabel = "D",
            description = "Added to the metric: P + D*I (factors: + sqrt(D)*I; with --task K-FAC, to the factors scaled"
                    + " to mean eigenvalue 1) (default: ${DEFAULT-VALUE}).")
    private double damping;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "The weighted-frobenius budget's weights as {\"weights\": [[...], ...]}.")
    private Path weights;

    @Option(names = "--shape", paramLabel = "ROWSxCOLS",
            description = "The kronecker budget's weight shape (else the sigma file's \"shape\").")
    private String shape;

    @Option(names = "--eps", paramLabel = "E", description = "The update-rms-eps budget's eps > 0.")
    private Double eps;

    @Option(names = "--solver", paramLabel = "closed-form|numeric",
            description = "closed-form or numeric (default: closed-form where the budget has one, else numeric).")
    private String solver;

    @Option(names = "--json", description = "Print one JSON object.")
    private boolean json;

    @Inject
    DesignCommand(Supplier<Backend> backend, Optimizers optimizers, TaskRegistry tasks) {
        this.backend = backend;
        this.optimizers = optimizers;
        this.tasks = tasks;
    }

    @Override
    public Integer call() throws IOException {
        if (solver != null && !solver.equals(Design.CLOSED_FORM) && !solver.equals(Design.NUMERIC)) {
            throw new ParameterException(spec.commandLine(), "--solver must be closed-form or numeric, got '" + solver + "'");
        }
        if ((sigma == null) == !ProbeRun.hasTask(training)) {
            throw new ParameterException(spec.commandLine(), "give either --sigma FILE or --task TASK (with --steps N)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (sigma == null) {
            // The metric budget without a user's metric: K-FAC per layer from the run's Kronecker factors.
            boolean kfac = budget.strip().equals("metric") && metric == null;
            Budget b = kfac ? budgetOf(Optional.of(SecondMoment.of("P", new double[][] {{1}})), Optional.empty(),
                    Optional.empty(), Optional.empty()) : budget(Optional.of(new int[] {1, 1}));
            ProbeRun.Collected<Designs> run = ProbeRun.collect(backend.get(), optimizers, tasks, training, optimizer,
                    seed, spec.commandLine().getErr(),
                    probed -> new Designs(kfac ? TaskDesign.kfac(probed, radius, damping, this::solve)
                            : TaskDesign.of(probed, b, this::solve), TaskDesign.global(probed)));
            Designs d = run.statistics();
            out.print(json ? DesignReport.json(run, b, d.global(), d.layers()) + System.lineSeparator()
                    : DesignReport.text(run, b, d.global(), d.layers()));
        } else {
            MatrixFile sigmaFile = MatrixFile.read(sigma);
            SecondMoment s = inFile(sigmaFile, () -> SecondMoment.of("sigma", sigmaFile.matrix("sigma")));
            Budget b = budget(shape != null ? Optional.of(parseShape(shape)) : sigmaFile.shape("shape"));
            Design design = inFile(sigmaFile, () -> solve(b, s));
            out.print(json ? DesignReport.json(design) + System.lineSeparator() : DesignReport.text(design));
        }
        out.flush();
        return 0;
    }

    /** The designs per layer and the global statistics of a probed run. */
    private record Designs(List<TaskDesign> layers, Map<String, Double> global) {}

    private Design solve(Budget b, SecondMoment sigma) {
        Optional<Design> closed = Design.NUMERIC.equals(solver) ? Optional.empty() : b.closedForm(sigma);
        if (closed.isEmpty() && Design.CLOSED_FORM.equals(solver)) {
            throw new ParameterException(spec.commandLine(), "the " + b.name()
                    + " budget has no closed form; use --solver numeric");
        }
        return closed.orElseGet(() -> new NumericSolver().solve(b, sigma));
    }

    /** The budget; {@code layerShape} is the kronecker budget's shape (with --task each layer's own). */
    private Budget budget(Optional<int[]> layerShape) {
        Optional<SecondMoment> p = Optional.empty();
        Optional<List<SecondMoment>> factors = Optional.empty();
        if (metric != null) {
            MatrixFile m = MatrixFile.read(metric);
            if (m.has("metric")) {
                p = Optional.of(inFile(m, () -> SecondMoment.of("metric", m.matrix("metric"))));
            } else if (m.has("A") && m.has("G")) {
                factors = Optional.of(inFile(m, () -> List.of(SecondMoment.of("A", m.matrix("A")),
                        SecondMoment.of("G", m.matrix("G")))));
            } else {
                throw new IllegalArgumentException(metric + ": expected {\"metric\": [[...], ...]} or {\"A\": ..., \"G\": ...}");
            }
        }
        Optional<DMatrixRMaj> w = Optional.empty();
        if (weights != null) {
            MatrixFile f = MatrixFile.read(weights);
            double[][] rows = f.matrix("weights");
            w = Optional.of(inFile(f, () -> squareMatrix("weights", rows)));
        }
        return budgetOf(p, factors, w, layerShape);
    }

    private Budget budgetOf(Optional<SecondMoment> p, Optional<List<SecondMoment>> factors, Optional<DMatrixRMaj> w,
            Optional<int[]> layerShape) {
        Budgets.Inputs inputs = new Budgets.Inputs(radius, Optional.ofNullable(eps), p, factors, damping, w, layerShape);
        try {
            return Budgets.parse(budget, inputs);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("the metric is singular") && metric != null) {
                throw new IllegalArgumentException(metric + ": " + e.getMessage(), e);
            }
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private int[] parseShape(String text) {
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
            }
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        throw new ParameterException(spec.commandLine(), "--shape must be ROWSxCOLS, e.g. 3x4, got '" + text + "'");
    }

    private static DMatrixRMaj squareMatrix(String what, double[][] rows) {
        for (double[] row : rows) {
            if (row.length != rows.length) {
                throw new IllegalArgumentException(what + " is not square: a row has " + row.length + " entries, expected "
                        + rows.length);
            }
        }
        return new DMatrixRMaj(rows);
    }

    /** Runs {@code body}, prefixing the message of an IllegalArgumentException with the file's path. */
    private static <T> T inFile(MatrixFile file, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (ParameterException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith(file.path().toString()) ? m : file.path() + ": " + m, e);
        }
    }
}
