package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads through the resolver from a loopback HTTP server that serves the shared data directory. */
class DownloaderTest {
    @TempDir Path tmp;

    private Path dataDir() {
        return tmp.resolve("data");
    }

    private static Path sharedData() {
        return SharedData.file("libsvm/a9a").getParent().getParent();
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

    @Test
    void goodFilesEndUpInTheDataDirectoryWithTheirChecksum() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            DataResolver resolver = downloadingResolver(server);
            Map<String, Path> files = resolver.resolve("a9a");
            for (DataFile file : KnownDataSet.A9A.files()) {
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

    @Test
    void aCorruptDownloadIsRejectedReportedAndNotLeftBehind() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            server.corrupt("tinyshakespeare/input.txt", bytes -> {
                bytes[1000] ^= 1;
                return bytes;
            });
            DataResolver resolver = downloadingResolver(server);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.resolve("tinyshakespeare"));
            String expected = KnownDataSet.TINYSHAKESPEARE.file("input.txt").sha256();
            String message = e.getMessage();
            assertTrue(message.contains("download " + server.base().resolve("tinyshakespeare/input.txt")), message);
            assertTrue(message.contains("sha256 expected " + expected + ", actual "), message);
            assertTrue(message.contains("deleted"), message);
            assertEquals(List.of(), filesIn(dataDir().resolve("tinyshakespeare")), "no partial or corrupt file");
        }
    }

    @Test
    void aTruncatedDownloadIsRejectedToo() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            server.corrupt("mnist/t10k-labels-idx1-ubyte.gz", bytes -> java.util.Arrays.copyOf(bytes, bytes.length / 2));
            DataResolver resolver = downloadingResolver(server);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> resolver.resolve(KnownDataSet.MNIST, "t10k-labels-idx1-ubyte.gz"));
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

    @Test
    void sharedFilesWinOverDownloads() throws IOException {
        try (FileServer server = new FileServer(sharedData())) {
            DataResolver resolver = new DataResolver(dataDir(), sharedData().getParent(), tmp.resolve("root"),
                    Downloader.fromMirror(server.base()));
            assertEquals(sharedData().resolve("libsvm/w8a"), resolver.resolve(KnownDataSet.W8A, "w8a"));
            assertEquals(0, server.requests());
        }
    }

    @Test
    void urlsComeFromTheSourcesOrTheMirror() {
        DataFile file = KnownDataSet.MNIST.file("train-labels-idx1-ubyte.gz");
        assertEquals(List.of(URI.create("http://yann.lecun.com/exdb/mnist/train-labels-idx1-ubyte.gz"),
                        URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/train-labels-idx1-ubyte.gz")),
                Downloader.fromSources().urls(KnownDataSet.MNIST, file));
        assertEquals(List.of(URI.create("http://127.0.0.1:1/m/mnist/train-labels-idx1-ubyte.gz")),
                Downloader.fromMirror(URI.create("http://127.0.0.1:1/m/")).urls(KnownDataSet.MNIST, file));
        assertThrows(IllegalArgumentException.class, () -> Downloader.fromMirror(URI.create("http://127.0.0.1:1/m")));
    }
}
