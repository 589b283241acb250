package org.optopt.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = OptoptCommand.class.getPackage().getImplementationVersion();
        return new String[] {"optopt " + (v == null ? "development" : v) + " (Java " + Runtime.version() + ")"};
    }
}
