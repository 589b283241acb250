package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.testsupport.SharedFiles;

/** Downloads through the resolver from a loopback HTTP server that serves the shared data directory. */
class DownloaderTest {
    @TempDir Path tmp;

    private Path dataDir() {
        return tmp.resolve("data");
    }

    private static Path sharedData() {
        return SharedFiles.configured().data("libsvm/a9a").getParent().getParent();
    }

    private DataResolver downloadingResolver(FileServer server) {
        return new DataResolver(dataDir(), null, tmp.resolve("root"), Downloader.fromMirror(server.base()));
    }

    private static List<String> filesIn(Path directory) throws IOException {
        if (Files.notExists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @IntegrationTest
    @Test
    void goodFilesEndUpInTheDataDirectoryWithTheirChecksum() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            DataResolver resolver = downloadingResolver(server);
            Map<String, Path> files = resolver.resolve("a9a");
            for (DataFile file : KnownDataSets.A9A.files()) {
                Path path = files.get(file.name());
                assertEquals(dataDir().resolve("libsvm").resolve(file.name()), path);
                assertEquals(file.sha256(), Checksums.sha256(path));
            }
            assertEquals(List.of("a9a", "a9a.t"), filesIn(dataDir().resolve("libsvm")), "no temporary files left");
            assertEquals(2, server.requests());
            resolver.resolve("a9a");
            assertEquals(2, server.requests(), "files already in the data directory are not downloaded again");
            assertEquals(32561, LibsvmReader.read(files.get("a9a")).rows());
        }
    }

    @IntegrationTest
    @Test
    void aCorruptDownloadIsRejectedReportedAndNotLeftBehind() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            server.corrupt("tinyshakespeare/input.txt", bytes -> {
                bytes[1000] ^= 1;
                return bytes;
            });
            DataResolver resolver = downloadingResolver(server);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.resolve("tinyshakespeare"));
            String expected = KnownDataSets.TINYSHAKESPEARE.file("input.txt").sha256();
            String message = e.getMessage();
            assertTrue(message.contains("download " + server.base().resolve("tinyshakespeare/input.txt")), message);
            assertTrue(message.contains("sha256 expected " + expected + ", actual "), message);
            assertTrue(message.contains("deleted"), message);
            assertEquals(List.of(), filesIn(dataDir().resolve("tinyshakespeare")), "no partial or corrupt file");
        }
    }

    @IntegrationTest
    @Test
    void aTruncatedDownloadIsRejectedToo() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            server.corrupt("mnist/t10k-labels-idx1-ubyte.gz", bytes -> java.util.Arrays.copyOf(bytes, bytes.length / 2));
            DataResolver resolver = downloadingResolver(server);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> resolver.resolve(KnownDataSets.MNIST, "t10k-labels-idx1-ubyte.gz"));
            assertTrue(e.getMessage().contains("(2271 bytes); deleted"), e.getMessage());
            assertEquals(List.of(), filesIn(dataDir().resolve("mnist")));
        }
    }

    @Test
    void aMissingFileOnTheServerIsReportedWithItsStatus() throws IOException {
        try (FileServer server = new FileServer(tmp.resolve("empty"))) {
            DataResolver resolver = downloadingResolver(server);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.resolve("w8a"));
            assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
            assertTrue(e.getMessage().contains("https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/binary/w8a"),
                    e.getMessage());
            assertEquals(List.of(), filesIn(dataDir().resolve("libsvm")));
        }
    }

    @IntegrationTest
    @Test
    void sharedFilesWinOverDownloads() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            DataResolver resolver = new DataResolver(dataDir(), sharedData().getParent(), tmp.resolve("root"),
                    Downloader.fromMirror(server.base()));
            assertEquals(sharedData().resolve("libsvm/w8a"), resolver.resolve(KnownDataSets.W8A, "w8a"));
            assertEquals(0, server.requests());
        }
    }

    @Test
    void anArchivedDataSetIsDownloadedVerifiedAndExtracted() throws IOException {
        Path served = tmp.resolve("served/toy");
        Files.createDirectories(served);
        try (InputStream in = DownloaderTest.class.getResourceAsStream("gnu-format.tar.gz")) {
            Files.write(served.resolve("toy.tar.gz"), in.readAllBytes());
        }
        Path archive = served.resolve("toy.tar.gz");
        DataSetSpec toy = new DataSetSpec("toy", "toy", List.of(), List.of(), null, "test data",
                new DataSetSpec.Archive(new DataFile("toy.tar.gz", Files.size(archive), Checksums.sha256(archive), null),
                        "cifar-10-batches-bin/"),
                List.of(new DataFile("data_batch_1.bin", 10, null, null),
                        new DataFile("readme.html", 7, Checksums.sha256(new ByteArrayInputStream("readme\n".getBytes())), null)));
        try (FileServer server = new FileServer(served.getParent())) {
            DataResolver resolver = downloadingResolver(server);
            Map<String, Path> files = resolver.resolve(toy);
            assertEquals("batch one\n", Files.readString(files.get("data_batch_1.bin")));
            assertEquals("readme\n", Files.readString(files.get("readme.html")));
            assertEquals(List.of("data_batch_1.bin", "readme.html", "toy.tar.gz"), filesIn(dataDir().resolve("toy")));
            assertEquals(1, server.requests(), "one archive download serves every member");

            Files.delete(dataDir().resolve("toy/readme.html"));
            assertEquals(dataDir().resolve("toy/readme.html"), resolver.resolve(toy, "readme.html"));
            assertEquals(1, server.requests(), "a missing member is extracted again from the kept archive");

            DataSetSpec wrongSize = new DataSetSpec("toy", "toy2", List.of(), List.of(), null, "test data", toy.archive(),
                    List.of(new DataFile("data_batch_1.bin", 11, null, null)));
            Files.createDirectories(dataDir().resolve("toy2"));
            Files.copy(archive, dataDir().resolve("toy2/toy.tar.gz"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.resolve(wrongSize));
            assertTrue(e.getMessage().contains("size expected 11 bytes, actual 10"), e.getMessage());
        }
    }

    @Test
    void urlsComeFromTheSourcesOrTheMirror() {
        DataFile file = KnownDataSets.MNIST.file("train-labels-idx1-ubyte.gz");
        assertEquals(List.of(URI.create("http://yann.lecun.com/exdb/mnist/train-labels-idx1-ubyte.gz"),
                        URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/train-labels-idx1-ubyte.gz")),
                Downloader.fromSources().urls(KnownDataSets.MNIST, file));
        assertEquals(List.of(URI.create("http://127.0.0.1:1/m/mnist/train-labels-idx1-ubyte.gz")),
                Downloader.fromMirror(URI.create("http://127.0.0.1:1/m/")).urls(KnownDataSets.MNIST, file));
        assertThrows(IllegalArgumentException.class, () -> Downloader.fromMirror(URI.create("http://127.0.0.1:1/m")));
    }
}
