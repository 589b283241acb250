package org.optopt.cli;

import org.optopt.tasks.training.Provenance;
import picocli.CommandLine;

/** Reports the version recorded in the jar's manifest ("development" when run from classes) and the git commit. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"optopt " + Provenance.version()
                + Provenance.gitCommit().map(c -> " (commit " + c.substring(0, 12) + ")").orElse("")
                + " (Java " + Runtime.version() + ")"};
    }
}
