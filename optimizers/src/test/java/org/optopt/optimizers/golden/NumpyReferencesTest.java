package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.hyper.TestBackends;

/**
 * The optimizers that neither torch.optim 1.13 nor the shared golden files cover (LAMB, Adafactor,
 * Prodigy, Schedule-Free SGD) against independent float32 numpy trajectories written from their
 * papers and reference implementations ({@code scripts/references/optopt_references.py}, stored in
 * {@code src/test/resources/golden}), replayed by {@code optopt golden}'s replay on every test backend.
 */
class NumpyReferencesTest {
    private static final List<String> EXPECTED = List.of("adafactor", "lamb", "prodigy", "schedule-free-sgd");

    static Stream<Arguments> filesAndBackends() throws IOException, URISyntaxException {
        Path dir = Path.of(NumpyReferencesTest.class.getResource("/golden").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("optopt-.*\\.json")).sorted().toList();
        }
        assertEquals(EXPECTED, files.stream().map(f -> f.getFileName().toString().replaceAll("optopt-|\\.json", "")).toList());
        return files.stream().flatMap(f -> TestBackends.names().stream().map(b -> Arguments.of(f, b)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("filesAndBackends")
    void matchesTheNumpyReference(Path file, String backend) throws IOException {
        GoldenResult r = GoldenReplay.standard(Optimizers.discover()).replay(file, TestBackends.named(backend));
        assertTrue(r.passed(), () -> file.getFileName() + ": max relative error " + r.maxRelError() + " at " + r.worst());
        assertTrue(r.tolerance() <= 1e-5, "tolerance " + r.tolerance());
    }
}
