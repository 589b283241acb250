package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.FreshClone;
import org.optopt.testsupport.IntegrationTest;

/** In a fresh clone (no shared folder) the golden-file tests skip, naming the missing golden file or folder. */
@IntegrationTest
class FreshCloneIT {
    @Test
    void goldenTestsSkipWithAMessage(@TempDir Path emptyShared) {
        FreshClone.Outcome outcome = FreshClone.run("org.optopt.optimizers.golden", null, emptyShared);
        assertEquals(List.of(), outcome.failures());
        List<String> golden = outcome.skips().stream().filter(s -> s.contains("golden")).toList();
        assertTrue(golden.size() >= 2, "the golden replays must skip: " + outcome);
        for (String skip : golden) {
            assertTrue(skip.contains(" is not in the shared folder " + emptyShared.toAbsolutePath().normalize())
                    && skip.contains("-Doptopt.shared=DIR"), skip);
        }
        assertTrue(outcome.succeeded() > 0, "the tests needing no files still pass: " + outcome);
    }
}
