package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.testsupport.SharedFiles;

class IdxReaderTest {
    @TempDir Path tmp;

    @IntegrationTest
    @Test
    void mnistTrainHasSixtyThousandImagesAndTheReadmeLabelHistogram() throws IOException {
        Dataset train = IdxReader.read(SharedFiles.configured().data("mnist/train-images-idx3-ubyte.gz"),
                SharedFiles.configured().data("mnist/train-labels-idx1-ubyte.gz"), 10);
        assertEquals(60000, train.rows());
        assertEquals(28 * 28, train.width());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
                train.classCounts());
        float max = 0;
        float min = 255;
        for (float x : train.features()) {
            max = Math.max(max, x);
            min = Math.min(min, x);
        }
        assertEquals(0f, min);
        assertEquals(255f, max);
    }

    @IntegrationTest
    @Test
    void mnistTestHasTenThousandImagesAndTheReadmeLabelHistogram() throws IOException {
        IdxReader.Images images = IdxReader.readImages(SharedFiles.configured().data("mnist/t10k-images-idx3-ubyte.gz"));
        assertEquals(10000, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.columns());
        int[] labels = IdxReader.readLabels(SharedFiles.configured().data("mnist/t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
                new Dataset(new float[labels.length], 1, labels, 10).classCounts());
    }

    @IntegrationTest
    @Test
    void fashionMnistIsBalancedSixThousandAndOneThousandPerClass() throws IOException {
        Dataset train = IdxReader.read(SharedFiles.configured().data("fashion-mnist/train-images-idx3-ubyte.gz"),
                SharedFiles.configured().data("fashion-mnist/train-labels-idx1-ubyte.gz"), 10);
        int[] sixThousand = new int[10];
        Arrays.fill(sixThousand, 6000);
        assertArrayEquals(sixThousand, train.classCounts());
        assertEquals(784, train.width());
        Dataset test = IdxReader.read(SharedFiles.configured().data("fashion-mnist/t10k-images-idx3-ubyte.gz"),
                SharedFiles.configured().data("fashion-mnist/t10k-labels-idx1-ubyte.gz"), 10);
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, test.classCounts());
    }

    @IntegrationTest
    @Test
    void rawAndGzipCopiesReadTheSame() throws IOException {
        Path gz = SharedFiles.configured().data("mnist/t10k-labels-idx1-ubyte.gz");
        Path raw = tmp.resolve("t10k-labels-idx1-ubyte");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.write(raw, in.readAllBytes());
        }
        assertEquals(10008, Files.size(raw));
        assertArrayEquals(IdxReader.readLabels(gz), IdxReader.readLabels(raw));
    }

    @Test
    void smallImageFileKeepsRowMajorPixels() throws IOException {
        Path images = write("img", idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 3},
                new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255}), true);
        Path labels = write("lab", idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {1, 0}), false);
        Dataset data = IdxReader.read(images, labels, 2);
        assertEquals(6, data.width());
        assertArrayEquals(new float[] {6, 7, 8, 9, 10, 255}, data.row(1));
        assertArrayEquals(new int[] {1, 0}, data.labels());
        assertArrayEquals(new float[] {6 / 255f, 7 / 255f, 8 / 255f, 9 / 255f, 10 / 255f, 1f},
                data.pixelsToUnitInterval().row(1));
    }

    @Test
    void wrongMagicNamesFileExpectedAndFound() throws IOException {
        Path labelsAsImages = write("labels-not-images", idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[3]), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(labelsAsImages));
        assertTrue(e.getMessage().contains(labelsAsImages.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 2051"), e.getMessage());
        assertTrue(e.getMessage().contains("found 2049"), e.getMessage());
    }

    @Test
    void truncatedGzipIsReportedWithTheFileName() throws IOException {
        byte[] gz = gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {50, 28, 28}, pseudoRandom(50 * 784)));
        Path cut = tmp.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(cut));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedRawDataSaysHowManyBytesAreMissing() throws IOException {
        byte[] full = idx(IdxReader.LABELS_MAGIC, new int[] {5}, new byte[5]);
        Path cut = write("short", Arrays.copyOf(full, full.length - 2), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(cut));
        assertTrue(e.getMessage().contains("needs 5 bytes but only 3"), e.getMessage());
    }

    @Test
    void excessBytesAndNonPositiveDimensionsAreRejected() throws IOException {
        byte[] full = idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[2]);
        Path longer = write("long", Arrays.copyOf(full, full.length + 1), false);
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(longer));
        Path zero = write("zero", idx(IdxReader.IMAGES_MAGIC, new int[] {1, 0, 3}, new byte[0]), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(zero));
        assertTrue(e.getMessage().contains("dimension 1 is 0"), e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgreeAndLabelsFitTheClasses() throws IOException {
        Path images = write("i", idx(IdxReader.IMAGES_MAGIC, new int[] {2, 1, 1}, new byte[2]), false);
        Path three = write("l3", idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[3]), false);
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(images, three, 10));
        Path big = write("l2", idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {0, 10}), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(images, big, 10));
        assertTrue(e.getMessage().contains("label 10 of item 1"), e.getMessage());
    }

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] pseudoRandom(int n) {
        byte[] b = new byte[n];
        new java.util.Random(7).nextBytes(b);
        return b;
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path file = tmp.resolve(gzip ? name + ".gz" : name);
        Files.write(file, gzip ? gzip(content) : content);
        return file;
    }
}
