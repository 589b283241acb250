package org.optopt.tasks.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Shared low-level file access of the readers: transparent gzip, exact reads, error messages. */
final class DataFiles {
    private static final int BUFFER = 1 << 16;

    private DataFiles() {}

    /** Opens {@code file} for reading; a gzip file (magic bytes 1f 8b) is decompressed transparently. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
            } catch (ZipException | EOFException e) {
                raw.close();
                throw corrupt(file, "corrupt or truncated gzip header (" + e.getMessage() + ")");
            } catch (IOException e) {
                raw.close();
                throw e;
            }
        }
        return raw;
    }

    /** Whether {@code file} starts with the gzip magic bytes 1f 8b. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * Reads exactly {@code n} bytes of {@code what} from {@code in}.
     *
     * @throws IllegalArgumentException naming {@code file} if the data ends early or the gzip
     *     stream is corrupt
     */
    static byte[] readExactly(Path file, InputStream in, int n, String what) throws IOException {
        byte[] data = new byte[n];
        int got;
        try {
            got = in.readNBytes(data, 0, n);
        } catch (ZipException | EOFException e) {
            throw corrupt(file, "corrupt or truncated gzip data while reading " + what
                    + " (" + e.getMessage() + ")");
        }
        if (got != n) {
            throw corrupt(file, "truncated: " + what + " needs " + n + " bytes but only " + got
                    + " are present");
        }
        return data;
    }

    /** Fails unless {@code in} is at its end (no bytes beyond what the header describes). */
    static void expectEnd(Path file, InputStream in, String what) throws IOException {
        int extra;
        try {
            extra = in.read();
        } catch (ZipException | EOFException e) {
            throw corrupt(file, "corrupt or truncated gzip data after " + what
                    + " (" + e.getMessage() + ")");
        }
        if (extra != -1) {
            throw corrupt(file, "has bytes beyond the " + what + " its header describes");
        }
    }

    /** An error about the content of {@code file}. */
    static IllegalArgumentException corrupt(Path file, String problem) {
        return new IllegalArgumentException("Data file " + file + ": " + problem);
    }
}
