package org.optopt.tasks.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads CIFAR-10 binary batch files ({@code data_batch_1.bin} ... {@code data_batch_5.bin},
 * {@code test_batch.bin}).
 *
 * <p>Each record is {@value #RECORD_BYTES} bytes: one label byte in {@code 0..9}, then
 * {@value #PIXELS} pixel bytes: the 1024 red values of the 32x32 image row by row, then the
 * 1024 green, then the 1024 blue. A feature row keeps that channel-major order ({@code C x H x
 * W}) with raw intensities {@code 0..255} (see {@link Dataset#pixelsToUnitInterval()}).
 */
public final class CifarReader {
    /** Number of classes of CIFAR-10. */
    public static final int CLASSES = 10;
    /** Pixel bytes per image: 3 channels x 32 x 32. */
    public static final int PIXELS = 3 * 32 * 32;
    /** Bytes per record: the label byte and the pixels. */
    public static final int RECORD_BYTES = 1 + PIXELS;

    private CifarReader() {}

    /**
     * Reads and concatenates batch files in the given order.
     *
     * @throws IllegalArgumentException naming the file if its size is not a positive multiple
     *     of {@value #RECORD_BYTES}, or naming the record if a label is not below {@value #CLASSES}
     */
    public static Dataset read(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 batch files given");
        }
        long total = 0;
        for (Path file : files) {
            long size = Files.size(file);
            if (size == 0 || size % RECORD_BYTES != 0) {
                throw DataFiles.corrupt(file, "size " + size + " bytes is not a positive multiple of the "
                        + "CIFAR-10 record size " + RECORD_BYTES + " (1 label byte + " + PIXELS + " pixel bytes)");
            }
            total += size / RECORD_BYTES;
        }
        if (total * PIXELS > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " CIFAR-10 records do not fit one dense array");
        }
        int records = (int) total;
        float[] features = new float[records * PIXELS];
        int[] labels = new int[records];
        int row = 0;
        for (Path file : files) {
            int count = (int) (Files.size(file) / RECORD_BYTES);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                for (int r = 0; r < count; r++, row++) {
                    byte[] record = DataFiles.readExactly(file, in, RECORD_BYTES, "record " + r);
                    int label = Byte.toUnsignedInt(record[0]);
                    if (label >= CLASSES) {
                        throw DataFiles.corrupt(file, "record " + r + " has label " + label
                                + ", CIFAR-10 labels are 0.." + (CLASSES - 1));
                    }
                    labels[row] = label;
                    int base = row * PIXELS;
                    for (int p = 0; p < PIXELS; p++) {
                        features[base + p] = Byte.toUnsignedInt(record[1 + p]);
                    }
                }
            }
        }
        return new Dataset(features, PIXELS, labels, CLASSES);
    }
}
