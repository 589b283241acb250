package org.optopt.tasks.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Downloads data files over HTTP(S) with checksum verification. A file is written to a
 * temporary file beside its target while its SHA-256 is computed, then moved atomically into
 * place; a download whose checksum (or size, for files without a checksum) does not match is
 * deleted and reported, so no partial or corrupt file is ever left at the target.
 */
public final class Downloader {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final URI mirror;

    private Downloader(URI mirror) {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(TIMEOUT)
                .build();
        this.mirror = mirror;
    }

    /** Downloads from each data set's {@link DataSetSpec#sources()}, in order. */
    public static Downloader fromSources() {
        return new Downloader(null);
    }

    /**
     * Downloads from one mirror laid out like {@code shared/data}: a file's URL is
     * {@code mirror + directory + "/" + name}.
     */
    public static Downloader fromMirror(URI mirror) {
        if (!mirror.getPath().endsWith("/")) {
            throw new IllegalArgumentException("mirror URL must end with '/', was " + mirror);
        }
        return new Downloader(mirror);
    }

    /** The URLs to try for {@code file} of {@code set}, in order. */
    public List<URI> urls(DataSetSpec set, DataFile file) {
        if (mirror != null) {
            return List.of(mirror.resolve(set.directory() + "/" + file.name()));
        }
        return set.sources().stream().map(base -> base.resolve(file.name())).toList();
    }

    /**
     * Downloads {@code url} to {@code target} if it matches {@code expected}.
     *
     * @throws IOException if the transfer fails or the server does not answer 200
     * @throws IllegalStateException if the content does not match {@code expected}; the message
     *     names the URL, the expected and the actual checksum, and nothing is left behind
     */
    public void download(URI url, DataFile expected, Path target) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path part = Files.createTempFile(directory, "." + expected.name() + ".", ".part");
        try {
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = Checksums.sha256();
            long size = 0;
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part)) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP status " + response.statusCode() + " from " + url);
                }
                byte[] buffer = new byte[1 << 16];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (expected.sha256() != null && !actual.equals(expected.sha256())) {
                throw new IllegalStateException("corrupt download of " + url + ": sha256 expected "
                        + expected.sha256() + ", actual " + actual + " (" + size + " bytes); deleted");
            }
            if (size != expected.bytes()) {
                throw new IllegalStateException("corrupt download of " + url + ": size expected "
                        + expected.bytes() + " bytes, actual " + size + "; deleted");
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + url + " interrupted", e);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
