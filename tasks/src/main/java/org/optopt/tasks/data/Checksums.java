package org.optopt.tasks.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** SHA-256 of files and the check of a found file against its {@link DataFile} entry. */
final class Checksums {
    private Checksums() {}

    /** A fresh SHA-256 digest (every JDK provides it). */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Lower-case hex SHA-256 of everything {@code in} yields. */
    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Lower-case hex SHA-256 of {@code file}. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    /**
     * Checks a candidate copy of {@code expected}.
     *
     * @param candidate the file found
     * @param uncompressed whether the candidate is the uncompressed copy of a gzip entry
     * @return {@code null} if it matches, else what differs (expected and actual)
     */
    static String mismatch(Path candidate, DataFile expected, boolean uncompressed) throws IOException {
        if (uncompressed) {
            String actual = sha256(candidate);
            return actual.equals(expected.contentSha256()) ? null
                    : "sha256 of the uncompressed content expected " + expected.contentSha256() + ", actual " + actual;
        }
        if (expected.sha256() == null) {
            long size = Files.size(candidate);
            return size == expected.bytes() ? null
                    : "size expected " + expected.bytes() + " bytes, actual " + size;
        }
        String actual = sha256(candidate);
        if (actual.equals(expected.sha256())) {
            return null;
        }
        if (expected.contentSha256() != null && DataFiles.isGzip(candidate)) {
            String content;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(candidate), 1 << 16)) {
                content = sha256(in);
            } catch (ZipException | EOFException e) {
                content = "(corrupt gzip: " + e.getMessage() + ")";
            }
            if (content.equals(expected.contentSha256())) {
                return null;
            }
            return "sha256 expected " + expected.sha256() + ", actual " + actual
                    + "; sha256 of the uncompressed content expected " + expected.contentSha256()
                    + ", actual " + content;
        }
        return "sha256 expected " + expected.sha256() + ", actual " + actual;
    }
}
