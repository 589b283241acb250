package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.FreshClone;
import org.optopt.testsupport.IntegrationTest;

/** In a fresh clone (no shared folder) the golden-file tests skip, saying that golden/ is missing. */
@IntegrationTest
class FreshCloneIT {
    @Test
    void goldenTestsSkipWithAMessage(@TempDir Path emptyShared) {
        FreshClone.Outcome outcome = FreshClone.run("org.optopt.optimizers.golden", null, emptyShared);
        assertEquals(List.of(), outcome.failures());
        List<String> golden = outcome.skips().stream().filter(s -> s.contains("golden")).toList();
        assertTrue(golden.size() >= 2, "the golden replays must skip: " + outcome);
        assertTrue(golden.stream().allMatch(s -> s.contains("golden is not in the shared folder")), golden.toString());
        assertTrue(outcome.succeeded() > 0, "the tests needing no files still pass: " + outcome);
    }
}
