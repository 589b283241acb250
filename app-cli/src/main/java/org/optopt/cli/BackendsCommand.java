package org.optopt.cli;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.BackendProvider;
import org.optopt.api.backend.Backends;
import org.optopt.cli.session.BackendChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code optopt backends}: every discovered backend, available or not, with the reason. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the compute backends found on this installation and whether each is available.")
final class BackendsCommand implements Runnable {
    private final Backends backends;
    private final BackendChoice choice;

    @Spec
    private CommandSpec spec;

    @Inject
    BackendsCommand(Backends backends, BackendChoice choice) {
        this.backends = backends;
        this.choice = choice;
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (backends.providers().isEmpty()) {
            out.println("No backends found. Put a backend module (e.g. backend-nd4j) on the module or class path.");
            return;
        }
        String selected = selectedName();
        out.printf("%-2s %-10s %8s  %-11s %s%n", "", "NAME", "PRIORITY", "STATUS", "DETAILS");
        for (BackendProvider p : backends.providers()) {
            Availability a = p.availability();
            out.printf("%-2s %-10s %8d  %-11s %s: %s%n", p.name().equals(selected) ? "*" : "", p.name(), p.priority(),
                    a.available() ? "available" : "unavailable", p.description(), a.reason());
        }
        out.println(selected == null ? "No backend is available."
                : "* = used by default" + (choice.name() != null ? " (chosen with --backend)" : ""));
    }

    private String selectedName() {
        try {
            return backends.select(choice.name()).name();
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
