package org.optopt.tasks.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extracts chosen regular files from a gzip-compressed tar archive, read by Apache Commons
 * Compress (every tar dialect it reads: POSIX ustar and pax, GNU with long names, ...). Targets are
 * given by the caller, never derived from names inside the archive; each is written to a temporary
 * file and moved atomically into place.
 */
final class TarGz {
    private TarGz() {}

    /**
     * Extracts the regular-file members named by the keys of {@code targets} to the paths they map to.
     *
     * @throws IllegalArgumentException naming the archive if it is corrupt or lacks a member
     */
    static void extract(Path archive, Map<String, Path> targets) throws IOException {
        Map<String, Path> missing = new HashMap<>(targets);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null && !missing.isEmpty(); e = tar.getNextEntry()) {
                if (!e.isCheckSumOK()) {
                    throw DataFiles.corrupt(archive, "tar header of '" + e.getName() + "' fails its checksum");
                }
                boolean regular = e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM;
                Path target = regular ? missing.remove(e.getName()) : null;
                if (target != null) {
                    copyMember(archive, tar, e.getSize(), target);
                }
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
                if (in.transferTo(out) != size) {
                    throw DataFiles.corrupt(archive, "truncated inside member " + target.getFileName());
                }
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
