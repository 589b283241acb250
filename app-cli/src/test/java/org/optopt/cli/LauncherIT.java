package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.IntegrationTest;

/**
 * Starts {@code bin/optopt} as a user would: a real module-path launch, which catches missing
 * {@code requires}/{@code opens} that Surefire's own JVM hides (PLATFORM.md).
 */
@IntegrationTest
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("optopt.root", "..")).toAbsolutePath().normalize();

    record Result(int exitCode, String out, String err) {}

    static Result optopt(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/optopt").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("optopt-out", ".txt");
        Path err = Files.createTempFile("optopt-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/optopt " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void backendsListsNd4jAvailableAndTornadoUnavailable() throws Exception {
        Result r = optopt(Map.of(), "backends");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("*") && l.contains("nd4j") && l.contains(" available")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("tornado") && l.contains("unavailable")), r.out());
    }

    @Test
    void benchKernelRunsOnTheDefaultBackendAndPrintsJson() throws Exception {
        Result r = optopt(Map.of(), "bench", "kernel", "--size", "100003", "--runs", "3", "--warmup", "1", "--json");
        assertEquals(0, r.exitCode(), r.err());
        String json = r.out().strip();
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertTrue(json.contains("\"backend\": \"nd4j\"") && json.contains("\"speedup_vs_nd4j\": ")
                && !json.contains("\"speedup_vs_nd4j\": null"), json);
    }

    /**
     * The launcher resolves the Vector API (kernels with sums run its loops), and the one line the JVM
     * prints about it never reaches stderr; {@code OPTOPT_VECTOR=0} leaves it out.
     */
    @Test
    void theVectorApiIsResolvedWithoutItsWarningOnStderr() throws Exception {
        Result on = optopt(Map.of(), "backends");
        assertEquals(0, on.exitCode(), on.err());
        assertTrue(on.out().contains("kernels with sums in Vector API loops"), on.out());
        assertEquals("", on.err());
        Result error = optopt(Map.of(), "--backend", "nope", "backends");
        assertEquals(1, error.err().lines().count(), error.err());
        assertTrue(error.err().startsWith("optopt: error: Unknown backend 'nope'"), error.err());
        Result off = optopt(Map.of("OPTOPT_VECTOR", "0"), "backends");
        assertEquals(0, off.exitCode(), off.err());
        assertTrue(off.out().contains("kernels with sums in scalar loops (jdk.incubator.vector not resolved)"), off.out());
        assertEquals("", off.err());
    }

    @Test
    void errorsAreOneLineWithoutStackTraces() throws Exception {
        Result r = optopt(Map.of(), "--backend", "nope", "backends");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("optopt: error: Unknown backend 'nope'"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** The SPI example: a backend from another jar, registered only in its META-INF/services. */
    @Test
    void aThirdPartyBackendOnThePluginPathIsDiscovered(@TempDir Path plugin) throws Exception {
        Path kit = Files.list(ROOT.resolve("api/target")).filter(p -> p.getFileName().toString().endsWith("-tests.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("api test-jar not built"));
        Path services = plugin.resolve("META-INF/services/org.optopt.api.backend.BackendProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "org.optopt.api.testkit.ReferenceBackendProvider\n", StandardCharsets.UTF_8);
        Map<String, String> env = Map.of("OPTOPT_PLUGIN_PATH", kit + ":" + plugin);
        Result listed = optopt(env, "backends");
        assertEquals(0, listed.exitCode(), listed.err());
        assertTrue(listed.out().lines().anyMatch(l -> l.contains("reference") && l.contains(" available")), listed.out());
        Result used = optopt(env, "--backend", "reference", "bench", "kernel", "--size", "1000", "--runs", "1",
                "--warmup", "0", "--json");
        assertEquals(0, used.exitCode(), used.err());
        assertTrue(used.out().contains("\"backend\": \"reference\""), used.out());
    }

    @Test
    void aPluginPathEntryThatDoesNotExistIsAUsageError(@TempDir Path plugin) throws Exception {
        Path missing = plugin.resolve("missing-backend.jar");
        Result r = optopt(Map.of("OPTOPT_PLUGIN_PATH", plugin + ":" + missing), "backends");
        assertEquals(2, r.exitCode(), r.out());
        assertEquals("optopt: OPTOPT_PLUGIN_PATH entry '" + missing + "' does not exist (a jar or class folder, "
                + "':'-separated)", r.err().strip());
    }
}
