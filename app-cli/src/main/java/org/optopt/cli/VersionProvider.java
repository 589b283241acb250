package org.optopt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Manifest;
import picocli.CommandLine;

/** Reports the version recorded in the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"optopt " + implementationVersion() + " (Java " + Runtime.version() + ")"};
    }

    private static String implementationVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
            String v = in == null ? null : new Manifest(in).getMainAttributes().getValue("Implementation-Version");
            return v == null ? "development" : v;
        } catch (IOException e) {
            return "development";
        }
    }
}
