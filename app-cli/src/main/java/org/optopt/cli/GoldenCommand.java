package org.optopt.cli;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.format.ErrorMessages;
import org.optopt.optimizers.golden.GoldenReplay;
import org.optopt.optimizers.golden.GoldenResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code optopt golden FILE...}: replays golden trajectory files (the torch.optim, gdtuo and optopt
 * formats of the golden README; an optopt file may name any optimizer of the registry) through our
 * optimizers on the chosen backend and prints, per file, the optimizer, steps, largest absolute
 * and relative errors and PASS or FAIL. Exit code 1 if any file fails or cannot be read.
 */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Replay golden trajectories (../shared/golden/torch-*.json, gdtuo-*.json and optopt-*.json) and compare every step.")
final class GoldenCommand implements Callable<Integer> {
    private final Supplier<Backend> backend;
    private final Optimizers registry;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Golden JSON files.")
    private List<Path> files;

    @Inject
    GoldenCommand(Supplier<Backend> backend, Optimizers registry) {
        this.backend = backend;
        this.registry = registry;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GoldenReplay replay = GoldenReplay.standard(registry);
        Backend b = backend.get();
        out.printf("%-36s %-44s %5s %10s %10s %9s  %s%n", "FILE", "OPTIMIZER", "STEPS", "MAX ABS", "MAX REL", "TOLERANCE",
                "RESULT");
        int failed = 0;
        for (Path file : files) {
            try {
                GoldenResult r = replay.replay(file, b);
                out.printf("%-36s %-44s %5d %10.3g %10.3g %9.0e  %s%n", file.getFileName(), r.optimizer(), r.steps(),
                        r.maxAbsError(), r.maxRelError(), r.tolerance(), r.passed() ? "PASS" : "FAIL (worst " + r.worst() + ")");
                if (!r.passed()) {
                    failed++;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                failed++;
                err.println("optopt: error: " + file + ": no such file");
            } catch (Exception e) {
                failed++;
                err.println("optopt: error: " + file + ": " + ErrorMessages.describe(e));
            }
        }
        out.printf("%d of %d passed (relative error against each file's tolerance, with an absolute floor near zero;"
                + " backend %s)%n", files.size() - failed, files.size(), b.name());
        return failed == 0 ? 0 : 1;
    }
}
