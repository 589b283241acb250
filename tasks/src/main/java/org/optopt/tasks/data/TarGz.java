package org.optopt.tasks.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Extracts chosen regular files from a gzip-compressed tar archive (POSIX ustar, or GNU format
 * with its long-name entries). Targets are given by
 * the caller, never derived from names inside the archive; each is written to a temporary file
 * and moved atomically into place.
 */
final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() {}

    /**
     * Extracts the members named by the keys of {@code targets} to the paths they map to.
     *
     * @throws IllegalArgumentException naming the archive if it is corrupt or lacks a member
     */
    static void extract(Path archive, Map<String, Path> targets) throws IOException {
        Map<String, Path> missing = new HashMap<>(targets);
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 1 << 16))) {
            String longName = null;
            while (!missing.isEmpty()) {
                byte[] header = in.readNBytes(BLOCK);
                if (header.length < BLOCK || isZero(header)) {
                    break;
                }
                checkHeaderChecksum(archive, header);
                String name = text(header, 0, 100);
                boolean posix = "ustar".equals(text(header, 257, 6))
                        && "00".equals(new String(header, 263, 2, StandardCharsets.US_ASCII));
                if (posix && !text(header, 345, 155).isEmpty()) {
                    name = text(header, 345, 155) + "/" + name;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                long size = octal(archive, header, 124, 12);
                char type = (char) header[156];
                if (type == 'L' && size < BLOCK * 8) {
                    // GNU long name: the data holds the name of the next member
                    byte[] data = in.readNBytes((int) size);
                    longName = text(data, 0, data.length);
                    in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
                    continue;
                }
                Path target = (type == '0' || type == 0) ? missing.remove(name) : null;
                if (target != null) {
                    copyMember(archive, in, size, target);
                } else {
                    in.skipNBytes(size);
                }
                in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            }
        } catch (ZipException | EOFException e) {
            throw DataFiles.corrupt(archive, "corrupt or truncated archive (" + e.getMessage() + ")");
        }
        if (!missing.isEmpty()) {
            throw DataFiles.corrupt(archive, "lacks the members " + missing.keySet());
        }
    }

    private static void copyMember(Path archive, InputStream in, long size, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path part = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(part)) {
                byte[] buffer = new byte[1 << 16];
                long left = size;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw DataFiles.corrupt(archive, "truncated inside member " + target.getFileName());
                    }
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** The header checksum is the sum of its unsigned bytes, counting the checksum field as spaces. */
    private static void checkHeaderChecksum(Path archive, byte[] header) {
        long stored = octal(archive, header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : Byte.toUnsignedInt(header[i]);
        }
        if (sum != stored) {
            throw DataFiles.corrupt(archive, "tar header of '" + text(header, 0, 100)
                    + "' has checksum " + stored + ", computed " + sum);
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static long octal(Path archive, byte[] header, int offset, int length) {
        String digits = text(header, offset, length).strip();
        if ((header[offset] & 0x80) != 0) {
            throw DataFiles.corrupt(archive, "tar header uses a base-256 number (member over 8 GB?), not supported");
        }
        try {
            return Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw DataFiles.corrupt(archive, "tar header field '" + digits + "' is not octal");
        }
    }
}
