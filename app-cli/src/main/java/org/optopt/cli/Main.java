package org.optopt.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.PrintWriter;
import org.optopt.cli.format.ErrorMessages;
import picocli.CommandLine;

/**
 * Entry point of {@code optopt}: builds the Guice injector, hands picocli a factory backed by it,
 * and turns every failure into a one-line message and a non-zero exit code.
 */
public final class Main {
    private Main() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        LauncherStderr.restore();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line with the given output streams and returns the exit code: 0 on
     * success, 1 on a failed command, 2 on a usage error (an unknown or repeated option, an
     * invalid value, an unknown task, optimizer or hyperparameter). Either error is one line on
     * {@code err}.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, new CliModule());
    }

    /** Runs the command line with the given bindings (tests replace the discovered backends). */
    static int run(String[] args, PrintWriter out, PrintWriter err, Module bindings) {
        // Reflection instead of generated classes: generated classes live in the unnamed module
        // and cannot reach our (unexported) packages under a real module-path launch.
        System.setProperty("guice_bytecode_gen_option", "DISABLED");
        System.setProperty("guice_include_stack_traces", "OFF");
        Injector injector = Guice.createInjector(bindings);
        CommandLine cli = new CommandLine(OptoptCommand.class, new GuiceFactory(injector));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("optopt: error: " + ErrorMessages.describe(e));
            return 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("optopt: error: " + ErrorMessages.usage(e) + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        HelpLayout.install(cli);
        return cli.execute(args);
    }
}
