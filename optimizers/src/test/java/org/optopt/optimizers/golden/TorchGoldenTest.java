package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.testsupport.SharedFiles;

class TorchGoldenTest {

    static List<Path> torchFiles() throws IOException {
        Path dir = SharedFiles.configured().goldenDir();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("torch-.*\\.json")).sorted().toList();
        }
    }

    static Stream<Arguments> filesAndBackends() throws IOException {
        return torchFiles().stream().flatMap(f -> Stream.of(Arguments.of(f, "reference"), Arguments.of(f, "nd4j")));
    }

    private static Backend backend(String name) {
        return name.equals("reference") ? new ReferenceBackend() : Backends.discover().provider(name).create(Map.of());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("filesAndBackends")
    void replaysWithinTolerance(Path file, String backendName) throws IOException {
        GoldenResult r = GoldenReplay.standard(Optimizers.discover()).replay(file, backend(backendName));
        System.out.printf("%s %s %s steps=%d compared=%d maxAbs=%.3g maxRel=%.3g worst=%s%n", backendName, file.getFileName(),
                r.optimizer(), r.steps(), r.compared(), r.maxAbsError(), r.maxRelError(), r.worst());
        assertTrue(r.passed(), () -> file + ": max relative error " + r.maxRelError() + " at " + r.worst());
    }

    @org.junit.jupiter.api.Test
    void goldenFilesArePresent() throws IOException {
        assertTrue(torchFiles().size() >= 14, "expected the 14 torch golden files");
    }
}
