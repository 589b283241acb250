package org.optopt.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every module of the reactor registers the same service providers twice, as JPMS needs on the module
 * path ({@code provides} in {@code module-info.java}) and as {@link java.util.ServiceLoader} needs on the
 * class path ({@code META-INF/services}, e.g. a plugin on {@code OPTOPT_PLUGIN_PATH}): per service, the
 * two lists name the same classes. Reads the sources of the checkout ({@code optopt.root}, set by the build).
 */
class ServiceRegistrationsTest {
    private static final Pattern PROVIDES = Pattern.compile("provides\\s+([\\w.]+)\\s+with\\s+([\\w.,\\s]+);");
    private static final Path ROOT = Path.of(System.getProperty("optopt.root", "..")).toAbsolutePath().normalize();

    /** Service name to provider classes, from a module-info source. */
    static Map<String, Set<String>> provides(String moduleInfo) {
        String code = moduleInfo.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Map<String, Set<String>> services = new TreeMap<>();
        Matcher m = PROVIDES.matcher(code);
        while (m.find()) {
            services.computeIfAbsent(m.group(1), k -> new TreeSet<>())
                    .addAll(Arrays.stream(m.group(2).split(",")).map(String::strip).toList());
        }
        return services;
    }

    /** Service name to provider classes, from a module's {@code META-INF/services} folder. */
    static Map<String, Set<String>> serviceFiles(Path folder) throws IOException {
        Map<String, Set<String>> services = new TreeMap<>();
        if (!Files.isDirectory(folder)) {
            return services;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                services.put(file.getFileName().toString(), Files.readAllLines(file).stream()
                        .map(line -> line.replaceAll("#.*", "").strip())
                        .filter(line -> !line.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        return services;
    }

    @Test
    void everyModuleListsTheSameProvidersInModuleInfoAndMetaInfServices() throws IOException {
        try (Stream<Path> modules = Files.list(ROOT)) {
            var moduleInfos = modules.map(m -> m.resolve("src/main/java/module-info.java")).filter(Files::isRegularFile).toList();
            assertFalse(moduleInfos.isEmpty(), "no module-info.java under " + ROOT);
            int checked = 0;
            for (Path moduleInfo : moduleInfos) {
                Path module = moduleInfo.getParent().getParent().getParent().getParent();
                Map<String, Set<String>> declared = provides(Files.readString(moduleInfo));
                assertEquals(declared, serviceFiles(module.resolve("src/main/resources/META-INF/services")),
                        module.getFileName() + ": module-info provides vs META-INF/services");
                checked += declared.size();
            }
            assertFalse(checked == 0, "no module provides any service: is " + ROOT + " the checkout?");
        }
    }

    @Test
    void theParserReadsMultiProviderClausesAndIgnoresComments() {
        assertEquals(Map.of("a.S", Set.of("b.X", "c.Y"), "a.T", Set.of("d.Z")), provides("""
                module m {
                    // provides a.Old with b.Gone;
                    provides a.S with
                            b.X,
                            c.Y;
                    /* provides a.U with e.W; */ provides a.T with d.Z;
                }"""));
    }
}
