package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.testsupport.SharedFiles;

class DataLoaderTest {
    @TempDir Path tmp;

    private DataLoader sharedLoader() {
        SharedFiles.configured().data("tinyshakespeare/input.txt");
        return new DataLoader(new DataResolver(tmp.resolve("data"), SharedFiles.configured().root(), tmp.resolve("root"), null));
    }

    @IntegrationTest
    @Test
    void loadsEachSplitWithItsPublishedShape() throws IOException {
        DataLoader loader = sharedLoader();
        Dataset mnistTest = loader.mnist(DataLoader.Split.TEST);
        assertEquals(10000, mnistTest.rows());
        assertEquals(784, mnistTest.width());
        assertEquals(60000, loader.fashionMnist(DataLoader.Split.TRAIN).rows());
        Dataset a9aTest = loader.a9a(DataLoader.Split.TEST);
        assertEquals(16281, a9aTest.rows());
        assertEquals(123, a9aTest.width());
        assertEquals(32561, loader.a9a(DataLoader.Split.TRAIN).rows());
        assertEquals(300, loader.w8a().width());
        assertEquals(65, loader.tinyShakespeare().vocabularySize());
    }

    @IntegrationTest
    @Test
    void missingCifarSaysWhereToGetTheArchive() {
        DataLoader loader = sharedLoader();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loader.cifar10(DataLoader.Split.TEST));
        assertTrue(e.getMessage().contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("data/cifar10").toString()), e.getMessage());
    }
}
