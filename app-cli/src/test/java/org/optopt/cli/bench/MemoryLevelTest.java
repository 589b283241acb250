package org.optopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryLevelTest {
    private static void cache(Path folder, int index, int level, String size) throws IOException {
        Path dir = Files.createDirectories(folder.resolve("index" + index));
        Files.writeString(dir.resolve("level"), level + "\n");
        Files.writeString(dir.resolve("size"), size + "\n");
    }

    @Test
    void readsTheHighestCacheLevelFromSysfs(@TempDir Path folder) throws IOException {
        cache(folder, 0, 1, "32K");
        cache(folder, 2, 2, "512K");
        cache(folder, 3, 3, "16384K");
        assertEquals(new MemoryLevel(16L << 20, true), MemoryLevel.detect(folder));
    }

    @Test
    void assumesASizeAndSaysSoWhereTheSystemDoesNotTell(@TempDir Path folder) {
        MemoryLevel assumed = MemoryLevel.detect(folder.resolve("absent"));
        assertFalse(assumed.detected());
        assertTrue(assumed.describe().contains("assumed"), assumed.describe());
    }

    @Test
    void regimesAndDefaultSizesFollowTheCacheSize() {
        MemoryLevel l3 = new MemoryLevel(16L << 20, true);
        assertEquals("cache-resident: measures cache bandwidth", l3.regime(8L << 20));
        assertEquals("straddles the LLC: measures neither limit cleanly", l3.regime(16L << 20));
        assertEquals("beyond the LLC: measures memory bandwidth", l3.regime(32L << 20));
        // Adam's 4 buffers: 16 bytes per parameter; a quarter of 16 MiB and eight times 16 MiB.
        assertEquals(List.of(262_144, 8_388_608), l3.defaultSizes(16));
        List<Integer> huge = new MemoryLevel(480L << 20, true).defaultSizes(16);
        assertEquals(MemoryLevel.MAX_DEFAULT_PARAMETERS, huge.get(1), "capped at 100M parameters");
        assertEquals("cache-resident: measures cache bandwidth", new MemoryLevel(480L << 20, true).regime(16L * huge.get(0)));
    }
}
