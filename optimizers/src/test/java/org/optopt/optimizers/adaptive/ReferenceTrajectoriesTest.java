package org.optopt.optimizers.adaptive;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.golden.ErrorMeter;
import org.optopt.optimizers.golden.OptoptTrajectory;

/**
 * LAMB, Adafactor and Prodigy against independent float32 numpy trajectories written from their
 * papers and reference implementations ({@code scripts/references/optopt_references.py}, stored in
 * {@code src/test/resources/golden}), on the reference and nd4j backends.
 */
class ReferenceTrajectoriesTest {

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"lamb, reference", "lamb, nd4j", "adafactor, reference", "adafactor, nd4j",
            "prodigy, reference", "prodigy, nd4j"})
    void matchesTheNumpyReference(String optimizer, String backendName) throws IOException, URISyntaxException {
        Backend backend = backendName.equals("reference") ? new ReferenceBackend()
                : Backends.discover().provider(backendName).create(Map.of());
        Path file = Path.of(getClass().getResource("/golden/optopt-" + optimizer + ".json").toURI());
        ErrorMeter m = OptoptTrajectory.replay(file, backend);
        assertTrue(m.maxRel() <= 1e-5, optimizer + ": max relative error " + m.maxRel() + " at " + m.worst());
    }
}
