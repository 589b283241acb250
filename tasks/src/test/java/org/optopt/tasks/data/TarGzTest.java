package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Archives made by GNU tar 1.34 ({@code --format=gnu} and {@code --format=ustar}, then gzip -9 -n)
 * from a directory {@code cifar-10-batches-bin/} holding {@code data_batch_1.bin} ("batch one\n"),
 * {@code readme.html} ("readme\n"), a symbolic link {@code link.bin} and {@code deep.bin}
 * ("deep\n") under a path longer than 100 characters.
 */
class TarGzTest {
    private static final String DEEP = "cifar-10-batches-bin/" + "d".repeat(60) + "/" + "e".repeat(60) + "/deep.bin";

    @TempDir Path tmp;

    private Path resource(String name) throws IOException {
        Path file = tmp.resolve(name);
        try (InputStream in = TarGzTest.class.getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu-format.tar.gz", "ustar-format.tar.gz"})
    void extractsTheChosenMembersIncludingLongNames(String archiveName) throws IOException {
        Path archive = resource(archiveName);
        Path batch = tmp.resolve("out/batch");
        Path deep = tmp.resolve("out/deep");
        TarGz.extract(archive, Map.of("cifar-10-batches-bin/data_batch_1.bin", batch, DEEP, deep));
        assertEquals("batch one\n", Files.readString(batch));
        assertEquals("deep\n", Files.readString(deep));
        try (var files = Files.list(tmp.resolve("out"))) {
            assertEquals(2, files.count(), "only the chosen members, no temporary files");
        }
    }

    @Test
    void missingMembersAndNonRegularEntriesAreNamed() throws IOException {
        Path archive = resource("gnu-format.tar.gz");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TarGz.extract(archive,
                Map.of("cifar-10-batches-bin/link.bin", tmp.resolve("link"), "cifar-10-batches-bin/readme.html", tmp.resolve("r"))));
        assertTrue(e.getMessage().contains(archive.toString()) && e.getMessage().contains("[cifar-10-batches-bin/link.bin]"),
                e.getMessage());
    }

    @Test
    void corruptHeadersAndTruncatedArchivesAreRejected() throws IOException {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(resource("ustar-format.tar.gz")))) {
            tar = in.readAllBytes();
        }
        Map<String, Path> wanted = Map.of("cifar-10-batches-bin/readme.html", tmp.resolve("r"));
        byte[] badHeader = tar.clone();
        badHeader[3] ^= 1;
        Path bad = Files.write(tmp.resolve("bad.tar.gz"), IdxReaderTest.gzip(badHeader));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TarGz.extract(bad, wanted));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());

        byte[] gz = Files.readAllBytes(resource("ustar-format.tar.gz"));
        Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(gz, gz.length / 2));
        e = assertThrows(IllegalArgumentException.class, () -> TarGz.extract(cut, Map.of(DEEP, tmp.resolve("d"))));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("d")));
    }
}
