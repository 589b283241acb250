package org.optopt.tasks.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads unsigned-byte IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed.
 *
 * <p>Layout (big-endian): a 32-bit magic number {@code 0x0000TTRR} where {@code TT = 0x08} is the
 * unsigned-byte type and {@code RR} the rank; then {@code RR} 32-bit dimensions; then the
 * product of the dimensions in bytes, row-major. Images are rank 3 (magic
 * {@value #IMAGES_MAGIC}: count, rows, columns); labels are rank 1 (magic
 * {@value #LABELS_MAGIC}: count).
 */
public final class IdxReader {
    /** Magic number of an unsigned-byte rank-3 IDX file (images). */
    public static final int IMAGES_MAGIC = 0x0803;
    /** Magic number of an unsigned-byte rank-1 IDX file (labels). */
    public static final int LABELS_MAGIC = 0x0801;

    private IdxReader() {}

    /** The images of one rank-3 IDX file: {@code count} images of {@code rows x columns} bytes. */
    public record Images(int count, int rows, int columns, byte[] pixels) {
        /** Pixels per image, {@code rows * columns}. */
        public int pixelsPerImage() {
            return rows * columns;
        }
    }

    /**
     * Reads an image file (magic {@value #IMAGES_MAGIC}).
     *
     * @throws IllegalArgumentException naming the file for a wrong magic number, a zero or
     *     negative dimension, truncated or excess data, or a corrupt gzip stream
     */
    public static Images readImages(Path file) throws IOException {
        try (InputStream in = DataFiles.open(file)) {
            int[] dims = readHeader(file, in, IMAGES_MAGIC, "images");
            byte[] pixels = readBody(file, in, dims);
            return new Images(dims[0], dims[1], dims[2], pixels);
        }
    }

    /**
     * Reads a label file (magic {@value #LABELS_MAGIC}); each label is an unsigned byte.
     *
     * @throws IllegalArgumentException as for {@link #readImages(Path)}
     */
    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = DataFiles.open(file)) {
            int[] dims = readHeader(file, in, LABELS_MAGIC, "labels");
            byte[] bytes = readBody(file, in, dims);
            int[] labels = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                labels[i] = Byte.toUnsignedInt(bytes[i]);
            }
            return labels;
        }
    }

    /**
     * Reads an image file and its label file into a data set whose features are the raw pixel
     * intensities {@code 0..255} (see {@link Dataset#pixelsToUnitInterval()}), one row of
     * {@code rows * columns} per image.
     *
     * @param classes number of classes; every label must be below it
     * @throws IllegalArgumentException if the two files disagree on the count, a label is
     *     {@code >= classes}, or either file is malformed
     */
    public static Dataset read(Path images, Path labels, int classes) throws IOException {
        Images img = readImages(images);
        int[] lab = readLabels(labels);
        if (img.count() != lab.length) {
            throw new IllegalArgumentException("IDX files disagree: " + images + " has "
                    + img.count() + " images but " + labels + " has " + lab.length + " labels");
        }
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] >= classes) {
                throw DataFiles.corrupt(labels, "label " + lab[i] + " of item " + i
                        + " is not below the class count " + classes);
            }
        }
        byte[] px = img.pixels();
        float[] features = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            features[i] = Byte.toUnsignedInt(px[i]);
        }
        return new Dataset(features, img.pixelsPerImage(), lab, classes);
    }

    private static int[] readHeader(Path file, InputStream in, int expectedMagic, String what)
            throws IOException {
        byte[] head = DataFiles.readExactly(file, in, 4, "the IDX magic number");
        int magic = ByteBuffer.wrap(head).getInt();
        if (magic != expectedMagic) {
            throw DataFiles.corrupt(file, "wrong IDX magic number for " + what + ": expected "
                    + expectedMagic + " (0x" + Integer.toHexString(expectedMagic) + "), found "
                    + magic + " (0x" + Integer.toHexString(magic) + ")");
        }
        int rank = magic & 0xff;
        byte[] dimBytes = DataFiles.readExactly(file, in, 4 * rank, "the IDX dimensions");
        ByteBuffer dimIn = ByteBuffer.wrap(dimBytes);
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            dims[d] = dimIn.getInt();
            if (dims[d] <= 0) {
                throw DataFiles.corrupt(file, "IDX dimension " + d + " is " + dims[d]
                        + ", must be positive (dimensions " + Arrays.toString(dims) + ")");
            }
        }
        return dims;
    }

    private static byte[] readBody(Path file, InputStream in, int[] dims) throws IOException {
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw DataFiles.corrupt(file, "IDX dimensions " + Arrays.toString(dims)
                        + " describe more than 2^31 bytes");
            }
        }
        String what = "IDX data of dimensions " + Arrays.toString(dims);
        byte[] data = DataFiles.readExactly(file, in, (int) n, what);
        DataFiles.expectEnd(file, in, what);
        return data;
    }
}
