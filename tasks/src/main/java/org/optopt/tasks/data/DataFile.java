package org.optopt.tasks.data;

import java.util.HexFormat;

/**
 * One file of a data set as its publisher distributes it.
 *
 * @param name file name, as published
 * @param bytes exact size in bytes
 * @param sha256 lower-case hex SHA-256 of the file, or {@code null} when no checksum is
 *     published for it (then only the size is checked)
 * @param contentSha256 for a gzip file, the SHA-256 of its decompressed content, or {@code null}:
 *     it accepts copies that were recompressed with another header (e.g. Debian's) or stored
 *     uncompressed
 */
public record DataFile(String name, long bytes, String sha256, String contentSha256) {

    /** Validates the name, the size and the form of the checksums. */
    public DataFile {
        if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("data file name must be a plain file name, was '" + name + "'");
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("data file " + name + ": size must be positive, was " + bytes);
        }
        checkSha256(name, sha256);
        checkSha256(name, contentSha256);
        if (contentSha256 != null && !name.endsWith(".gz")) {
            throw new IllegalArgumentException("data file " + name + ": a content checksum needs a .gz file");
        }
    }

    /** The name of the uncompressed copy, {@link #name()} without {@code .gz}, or {@code null} if not a gzip file. */
    public String uncompressedName() {
        return contentSha256 == null ? null : name.substring(0, name.length() - ".gz".length());
    }

    private static void checkSha256(String name, String hex) {
        if (hex != null && (hex.length() != 64 || !hex.equals(hex.toLowerCase())
                || HexFormat.of().parseHex(hex).length != 32)) {
            throw new IllegalArgumentException("data file " + name + ": '" + hex + "' is not a lower-case hex SHA-256");
        }
    }
}
