package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.testsupport.SharedFiles;

class KnownDataSetsTest {

    @Test
    void everyIdIsUniqueAndFoundByItsName() {
        Set<String> ids = new HashSet<>();
        for (DataSetSpec set : KnownDataSets.all()) {
            assertTrue(ids.add(set.id()), "duplicate id " + set.id());
            assertSame(set, KnownDataSets.byId(set.id()));
            assertTrue(!set.sources().isEmpty(), set.id() + " has a download source");
            assertTrue(!set.license().isBlank(), set.id() + " has a license note");
        }
        assertEquals(List.of("mnist", "fashion-mnist", "a9a", "w8a", "tinyshakespeare", "cifar10"),
                KnownDataSets.all().stream().map(DataSetSpec::id).toList());
    }

    /** The registry's sizes and checksums, including the gunzipped-content ones, against the verified shared copies. */
    @IntegrationTest
    @Test
    void registeredSizesAndChecksumsMatchTheSharedFiles() throws IOException {
        SharedFiles.configured().data("mnist/t10k-labels-idx1-ubyte.gz");
        int checked = 0;
        for (DataSetSpec set : KnownDataSets.all()) {
            if (set.archive() != null) {
                continue; // CIFAR-10 is not in the shared directory
            }
            for (DataFile file : set.files()) {
                Path copy = SharedFiles.configured().root().resolve("data").resolve(set.directory()).resolve(file.name());
                assertEquals(file.bytes(), Files.size(copy), copy.toString());
                assertEquals(file.sha256(), Checksums.sha256(copy), copy.toString());
                if (file.contentSha256() != null) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(copy))) {
                        assertEquals(file.contentSha256(), Checksums.sha256(in), copy + " gunzipped");
                    }
                }
                checked++;
            }
        }
        assertEquals(4 + 4 + 2 + 1 + 1, checked);
    }

    @Test
    void cifarIsPublishedAsOneArchiveOfSixBatches() {
        DataSetSpec cifar = KnownDataSets.CIFAR10;
        assertEquals("cifar-10-binary.tar.gz", cifar.archive().file().name());
        assertEquals(6, cifar.files().size());
        for (DataFile batch : cifar.files()) {
            assertEquals(10000L * CifarReader.RECORD_BYTES, batch.bytes(), batch.name());
        }
    }

    @Test
    void specsAndFilesRejectInconsistentRows() {
        DataFile a = new DataFile("a", 1, null, null);
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x/y", 1, null, null));
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x", 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x", 1, "ABC", null));
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x", 1, "z".repeat(64), null));
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x", 1, null, "0".repeat(64)),
                "a content checksum needs a .gz file");
        assertEquals("x", new DataFile("x.gz", 1, null, "0".repeat(64)).uncompressedName());
        assertThrows(IllegalArgumentException.class,
                () -> new DataSetSpec("t", "t", List.of(), List.of(), null, "", null, List.of(a, a)));
        assertThrows(IllegalArgumentException.class,
                () -> new DataSetSpec("t", "a/b", List.of(), List.of(), null, "", null, List.of(a)));
        assertThrows(IllegalArgumentException.class,
                () -> new DataSetSpec("t", "t", List.of(java.net.URI.create("http://h/no-slash")), List.of(), null, "", null, List.of(a)));
        assertThrows(IllegalArgumentException.class,
                () -> new DataSetSpec("t", "t", List.of(), List.of(Path.of("relative")), null, "", null, List.of(a)));
        assertThrows(IllegalArgumentException.class, () -> new DataSetSpec.Archive(a, "no-slash"));
    }
}
