package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.util.Modules;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BackendProvider;
import org.optopt.api.backend.Backends;
import org.optopt.api.testkit.ReferenceBackendProvider;

/** The command line in-process, with a registry of known backends instead of discovery. */
public class MainTest {

    /** A provider that is never available, to check that the reason is shown. */
    static final class MissingProvider implements BackendProvider {
        @Override
        public String name() {
            return "missing";
        }

        @Override
        public String description() {
            return "a backend whose runtime is absent";
        }

        @Override
        public int priority() {
            return 50;
        }

        @Override
        public Availability availability() {
            return Availability.unavailable("device runtime not installed");
        }

        @Override
        public Backend create(Map<String, String> options) {
            throw new IllegalStateException("unavailable");
        }
    }

    /** What one in-process invocation printed and returned. */
    public record Run(int exitCode, String out, String err) {}

    /** Runs the command line in-process with the reference backend and a never-available one. */
    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Backends registry = Backends.of(new ReferenceBackendProvider(), new MissingProvider());
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                Modules.override(new CliModule()).with(b -> b.bind(Backends.class).toInstance(registry)));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void backendsListsEveryProviderWithItsStatusAndMarksTheDefault() {
        Run r = run("backends");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("missing") && r.out().contains("unavailable")
                && r.out().contains("device runtime not installed"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("*") && l.contains("reference")), r.out());
    }

    @Test
    void unknownBackendIsAOneLineErrorNamingTheKnownOnes() {
        Run r = run("--backend", "nope", "backends");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("Unknown backend 'nope'") && r.err().contains("reference, missing")
                || r.err().contains("missing, reference"), r.err());
    }

    @Test
    void unavailableBackendSaysWhy() {
        Run r = run("--backend", "missing", "bench", "kernel", "--size", "10");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("device runtime not installed"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void benchKernelPrintsTheRequiredJsonFields() {
        Run r = run("--backend", "reference", "bench", "kernel", "--kernel", "adam", "--size", "1003",
                "--runs", "3", "--warmup", "1", "--json");
        assertEquals(0, r.exitCode(), r.err());
        String json = r.out().strip();
        for (String key : new String[] {"kernel", "size", "median_ms", "gbps", "baseline_gbps", "ratio_to_baseline",
                "speedup_vs_nd4j"}) {
            assertTrue(json.contains("\"" + key + "\": "), key + " missing in " + json);
        }
        assertTrue(json.contains("\"kernel\": \"adam\"") && json.contains("\"size\": 1003")
                && json.contains("\"bytes_per_parameter\": 28"), json);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Run r = run("bench", "kernel", "--size", "ten");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("'ten' is not an int"), r.err());
        Run unknownKernel = run("--backend", "reference", "bench", "kernel", "--kernel", "nope", "--size", "5");
        assertEquals(1, unknownKernel.exitCode());
        assertTrue(unknownKernel.err().contains("nope") && unknownKernel.err().contains("adam"), unknownKernel.err());
        Run matrix = run("--backend", "reference", "bench", "kernel", "--kernel", "shampoo", "--size", "5");
        assertEquals(1, matrix.exitCode());
        assertTrue(matrix.err().contains("Optimizer shampoo is not elementwise"), matrix.err());
        Run negative = run("--backend", "reference", "bench", "kernel", "--size", "-5");
        assertEquals(1, negative.exitCode());
        assertTrue(negative.err().contains("--size must be at least 1, got -5"), negative.err());
    }
}
