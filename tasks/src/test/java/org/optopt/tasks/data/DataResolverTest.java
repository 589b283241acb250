package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.testsupport.SharedFiles;

class DataResolverTest {
    @TempDir Path tmp;

    private Path dataDir() {
        return tmp.resolve("data");
    }

    /** A system root with no packages installed. */
    private Path emptyRoot() {
        return tmp.resolve("root");
    }

    /** The shared directory, skipping the test when its data sets are absent. */
    private static Path shared() {
        SharedFiles.configured().data("tinyshakespeare/input.txt");
        return SharedFiles.configured().root();
    }

    @Test
    void dataDirectoryIsExplicitThenEnvironmentThenHome() {
        Map<String, String> env = Map.of(DataResolver.DATA_ENV, "/env/data");
        assertEquals(Path.of("/cli"), DataResolver.dataDirectory(Path.of("/cli"), env, "/home/u"));
        assertEquals(Path.of("/env/data"), DataResolver.dataDirectory(null, env, "/home/u"));
        assertEquals(Path.of("/home/u/.optopt/data"), DataResolver.dataDirectory(null, Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/.optopt/data"),
                DataResolver.dataDirectory(null, Map.of(DataResolver.DATA_ENV, " "), "/home/u"));
    }

    @IntegrationTest
    @Test
    void findsEveryRegisteredFileOfTheSharedDataSets() throws IOException {
        Path shared = shared();
        DataResolver resolver = new DataResolver(dataDir(), shared, emptyRoot(), null);
        for (DataSetSpec set : List.of(KnownDataSets.MNIST, KnownDataSets.FASHION_MNIST, KnownDataSets.A9A,
                KnownDataSets.W8A, KnownDataSets.TINYSHAKESPEARE)) {
            Map<String, Path> files = resolver.resolve(set.id());
            assertEquals(set.files().size(), files.size());
            for (DataFile file : set.files()) {
                assertEquals(shared.resolve("data").resolve(set.directory()).resolve(file.name()), files.get(file.name()));
                assertEquals(file.bytes(), Files.size(files.get(file.name())));
            }
        }
        assertTrue(Files.notExists(dataDir()), "resolving local files writes nothing");
    }

    @IntegrationTest
    @Test
    void aFileInTheDataDirectoryWinsOverTheSharedOne() throws IOException {
        Path shared = shared();
        Path own = dataDir().resolve("tinyshakespeare/input.txt");
        Files.createDirectories(own.getParent());
        Files.copy(shared.resolve("data/tinyshakespeare/input.txt"), own);
        DataResolver resolver = new DataResolver(dataDir(), shared, emptyRoot(), null);
        assertEquals(own, resolver.resolve(KnownDataSets.TINYSHAKESPEARE, "input.txt"));
    }

    @IntegrationTest
    @Test
    void aCorruptFileInTheDataDirectoryIsAnErrorNotSkipped() throws IOException {
        Path shared = shared();
        Path own = dataDir().resolve("libsvm/w8a");
        Files.createDirectories(own.getParent());
        Files.writeString(own, "+1 1:1\n");
        DataResolver resolver = new DataResolver(dataDir(), shared, emptyRoot(), null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.resolve("w8a"));
        assertTrue(e.getMessage().contains(own.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("sha256 expected " + KnownDataSets.W8A.file("w8a").sha256()
                + ", actual " + Checksums.sha256(own)), e.getMessage());
    }

    @IntegrationTest
    @Test
    void debianCopiesWithRewrittenGzipHeadersMatchByContent() throws IOException {
        Path sharedLabels = SharedFiles.configured().data("fashion-mnist/t10k-labels-idx1-ubyte.gz");
        Path debian = emptyRoot().resolve("usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
        Files.createDirectories(debian.getParent());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(sharedLabels))) {
            Files.write(debian, IdxReaderTest.gzip(in.readAllBytes()));
        }
        DataFile file = KnownDataSets.FASHION_MNIST.file("t10k-labels-idx1-ubyte.gz");
        assertTrue(!Checksums.sha256(debian).equals(file.sha256()), "the recompressed copy differs byte-wise");
        DataResolver resolver = new DataResolver(dataDir(), null, emptyRoot(), null);
        Path found = resolver.resolve(KnownDataSets.FASHION_MNIST, file.name());
        assertEquals(debian, found);
        assertArrayEquals(IdxReader.readLabels(sharedLabels), IdxReader.readLabels(found));
    }

    @IntegrationTest
    @Test
    void anUncompressedCopyInTheDataDirectoryIsAccepted() throws IOException {
        Path gz = SharedFiles.configured().data("mnist/t10k-labels-idx1-ubyte.gz");
        Path raw = dataDir().resolve("mnist/t10k-labels-idx1-ubyte");
        Files.createDirectories(raw.getParent());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.write(raw, in.readAllBytes());
        }
        DataResolver resolver = new DataResolver(dataDir(), null, emptyRoot(), null);
        assertEquals(raw, resolver.resolve(KnownDataSets.MNIST, "t10k-labels-idx1-ubyte.gz"));
        Files.write(raw, new byte[] {1, 2, 3});
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> resolver.resolve(KnownDataSets.MNIST, "t10k-labels-idx1-ubyte.gz"));
        assertTrue(e.getMessage().contains("uncompressed content expected"), e.getMessage());
    }

    @Test
    void nothingFoundListsEveryPlaceSearchedAndHowToGetTheFile() {
        Path shared = tmp.resolve("empty-shared");
        DataResolver resolver = new DataResolver(dataDir(), shared, emptyRoot(), null);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> resolver.resolve(KnownDataSets.FASHION_MNIST, "train-labels-idx1-ubyte.gz"));
        String message = e.getMessage();
        assertTrue(message.contains(dataDir().resolve("fashion-mnist/train-labels-idx1-ubyte.gz") + " (data directory)"), message);
        assertTrue(message.contains(dataDir().resolve("fashion-mnist/train-labels-idx1-ubyte") + " (data directory, uncompressed)"), message);
        assertTrue(message.contains(emptyRoot().resolve("usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz")
                + " (system package directory)"), message);
        assertTrue(message.contains(shared.resolve("data/fashion-mnist/train-labels-idx1-ubyte.gz") + " (shared directory)"), message);
        assertTrue(message.contains("downloads disabled"), message);
        assertTrue(message.contains("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-labels-idx1-ubyte.gz"), message);
        assertTrue(message.contains("dataset-fashion-mnist"), message);
        assertTrue(message.contains(KnownDataSets.FASHION_MNIST.file("train-labels-idx1-ubyte.gz").sha256()), message);
    }

    @Test
    void unknownIdsAndFilesListTheKnownOnes() {
        DataResolver resolver = new DataResolver(dataDir(), null, emptyRoot(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolver.resolve("imagenet"));
        assertTrue(e.getMessage().contains("mnist, fashion-mnist, a9a, w8a, tinyshakespeare, cifar10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> resolver.resolve(KnownDataSets.A9A, "w8a"));
        assertTrue(e.getMessage().contains("a9a, a9a.t"), e.getMessage());
    }

    @Test
    void aCifarArchiveThatDoesNotMatchItsChecksumIsRejected() throws IOException {
        Path archive = dataDir().resolve("cifar10/cifar-10-binary.tar.gz");
        Files.createDirectories(archive.getParent());
        Files.write(archive, IdxReaderTest.gzip(new byte[1024]));
        DataResolver resolver = new DataResolver(dataDir(), null, emptyRoot(), null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.resolve("cifar10"));
        assertTrue(e.getMessage().contains(archive.toString())
                && e.getMessage().contains(KnownDataSets.CIFAR10.archive().file().sha256()), e.getMessage());
    }
}
