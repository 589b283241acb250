package org.optopt.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class SharedFilesTest {
    @TempDir Path dir;

    @Test
    void presentFilesAreReturned() throws IOException {
        Files.createDirectories(dir.resolve("data/mnist"));
        Files.writeString(dir.resolve("data/mnist/x.gz"), "x");
        Files.createDirectories(dir.resolve("golden"));
        SharedFiles shared = SharedFiles.at(dir);
        assertEquals(dir.resolve("data/mnist/x.gz"), shared.data("mnist/x.gz"));
        assertEquals(dir.resolve("golden"), shared.goldenDir());
        assertTrue(shared.has("data/mnist"));
    }

    @Test
    void anAbsentFileSkipsWithAMessageNamingItAndTheProperty() {
        SharedFiles fresh = SharedFiles.at(dir.resolve("shared"));
        assertFalse(fresh.has("golden"));
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> fresh.golden("torch-adam.json"));
        assertTrue(skipped.getMessage().contains("skipped: golden/torch-adam.json is not in the shared folder "
                + dir.resolve("shared")), skipped.getMessage());
        assertTrue(skipped.getMessage().contains("-Doptopt.shared=DIR"), skipped.getMessage());
    }

    @Test
    void thePropertyChoosesTheFolder() {
        String saved = System.getProperty(SharedFiles.PROPERTY);
        try {
            System.setProperty(SharedFiles.PROPERTY, dir.toString());
            assertEquals(dir.toAbsolutePath().normalize(), SharedFiles.configured().root());
            System.clearProperty(SharedFiles.PROPERTY);
            // Maven runs this test in test-support/, whose parent holds mvnw: the fallback is ../shared beside it.
            Path checkout = Path.of("").toAbsolutePath().getParent();
            assertEquals(checkout.resolveSibling("shared").normalize(), SharedFiles.configured().root());
        } finally {
            if (saved == null) {
                System.clearProperty(SharedFiles.PROPERTY);
            } else {
                System.setProperty(SharedFiles.PROPERTY, saved);
            }
        }
    }
}
