package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.hyper.TestBackends;
import org.optopt.testsupport.SharedFiles;

class GdtuoGoldenTest {

    static List<Path> gdtuoFiles() throws IOException {
        Path dir = SharedFiles.configured().goldenDir();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("gdtuo-.*\\.json")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gdtuoFiles")
    void replaysWithinToleranceOnTheReferenceBackend(Path file) throws IOException {
        check(file, new ReferenceBackend());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gdtuoFiles")
    void replaysWithinToleranceOnNd4j(Path file) throws IOException {
        check(file, TestBackends.nd4j());
    }

    private static void check(Path file, Backend backend) throws IOException {
        GoldenResult r = GoldenReplay.standard().replay(file, backend);
        System.out.printf("%s [%s] %s steps=%d compared=%d maxAbs=%.3g maxRel=%.3g worst=%s%n", file.getFileName(),
                backend.name(), r.optimizer(), r.steps(), r.compared(), r.maxAbsError(), r.maxRelError(), r.worst());
        assertEquals("gdtuo", r.format());
        assertTrue(r.optimizer().startsWith("gdtuo:"), r.optimizer());
        assertTrue(r.passed(), () -> file + ": max relative error " + r.maxRelError() + " at " + r.worst());
    }

    @Test
    void everyGoldenStackIsSupported() throws IOException {
        assertEquals(7, gdtuoFiles().size(), "expected the 7 gdtuo golden files");
        assertEquals(7, GdtuoGolden.STACKS.size());
    }
}
