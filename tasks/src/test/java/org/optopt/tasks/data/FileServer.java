package org.optopt.tasks.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A minimal HTTP/1.1 file server on loopback (127.0.0.1, a free port) for the downloader tests:
 * it answers {@code GET /<path>} with the bytes of {@code <root>/<path>} (or 404), one request
 * per connection, optionally corrupting the bytes of chosen paths, and counts the requests.
 *
 * <p>Written on {@link ServerSocket} rather than {@code com.sun.net.httpserver} because the
 * tests are patched into the module {@code org.optopt.tasks}, which does not read
 * {@code jdk.httpserver}.
 */
final class FileServer implements AutoCloseable {
    private final Path root;
    private final ServerSocket socket;
    private final Thread acceptor;
    private final Map<String, UnaryOperator<byte[]>> corruptions = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    FileServer(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("file-server").start(this::acceptLoop);
    }

    /** The base URL; the file {@code a/b} of the root is at {@code base().resolve("a/b")}. */
    URI base() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    /** From now on, serves the bytes of {@code path} transformed by {@code corruption}. */
    void corrupt(String path, UnaryOperator<byte[]> corruption) {
        corruptions.put(path, corruption);
    }

    /** Number of requests answered so far. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                serve(connection);
            } catch (IOException e) {
                // socket closed by close(), or the client went away: nothing to answer
            }
        }
    }

    private void serve(Socket connection) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
        String requestLine = in.readLine();
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            // headers are not needed
        }
        requests.incrementAndGet();
        String[] parts = requestLine == null ? new String[0] : requestLine.split(" ");
        String path = parts.length == 3 && parts[0].equals("GET") ? URI.create(parts[1]).getPath().substring(1) : "";
        Path file = root.resolve(path).normalize();
        OutputStream out = connection.getOutputStream();
        if (path.isEmpty() || !file.startsWith(root) || !Files.isRegularFile(file)) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        } else {
            byte[] body = corruptions.getOrDefault(path, UnaryOperator.identity()).apply(Files.readAllBytes(file));
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
        }
        out.flush();
    }
}
