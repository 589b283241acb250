package org.optopt.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.FreshClone;
import org.optopt.testsupport.IntegrationTest;

/** In a fresh clone (no shared folder) every data test of this module skips, saying which file is missing. */
@IntegrationTest
class FreshCloneIT {
    @Test
    void everyDataTestSkipsWithAMessageNamingTheMissingFile(@TempDir Path emptyShared) {
        FreshClone.Outcome outcome = FreshClone.run("org.optopt.tasks", IntegrationTest.TAG, emptyShared);
        assertEquals(List.of(), outcome.failures());
        assertTrue(outcome.skips().size() >= 20, "the data tests must run and skip: " + outcome);
        for (String skip : outcome.skips()) {
            assertTrue(skip.contains(" is not in the shared folder " + emptyShared.toAbsolutePath().normalize())
                    && skip.contains("-Doptopt.shared=DIR"), skip);
        }
    }
}
