package org.optopt.tasks.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only text log of whole rows (CSV or JSONL). Rows are collected in memory and written
 * to the file in one call per flush, only ever whole rows, at least every {@link #FLUSH_NANOS} (2
 * seconds) while rows arrive, and whenever {@link #flush()} is called: a killed process leaves
 * complete rows only, at most two seconds behind. {@link #length()} is the flushed length, which a
 * checkpoint records so that a resumed run can cut the log back to it.
 */
public final class RowLog implements AutoCloseable {
    /** The longest time rows wait in memory while more rows arrive. */
    public static final long FLUSH_NANOS = 2_000_000_000L;

    private final Path file;
    private final FileChannel channel;
    private final StringBuilder pending = new StringBuilder();
    private long length;
    private long lastFlush = System.nanoTime();

    private RowLog(Path file, FileChannel channel, long length) {
        this.file = file;
        this.channel = channel;
        this.length = length;
    }

    /** A new, empty log (an existing file is replaced). */
    public static RowLog create(Path file) throws IOException {
        return new RowLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), 0);
    }

    /**
     * An existing log cut back to its first {@code length} bytes (what a checkpoint recorded), to be
     * continued.
     *
     * @throws IllegalStateException if the file is shorter than {@code length}
     */
    public static RowLog resume(Path file, long length) throws IOException {
        FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long size = c.size();
        if (size < length) {
            c.close();
            throw new IllegalStateException(file + " has " + size + " bytes but its checkpoint recorded " + length);
        }
        c.truncate(length);
        c.position(length);
        return new RowLog(file, c, length);
    }

    /** Appends one row ({@code row} without its line end). */
    public void append(String row) {
        pending.append(row).append('\n');
        if (System.nanoTime() - lastFlush >= FLUSH_NANOS) {
            flush();
        }
    }

    /** Writes every pending row; returns the file's length afterwards. */
    public long flush() {
        lastFlush = System.nanoTime();
        if (pending.isEmpty()) {
            return length;
        }
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(pending.toString());
        try {
            while (bytes.hasRemaining()) {
                length += channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        pending.setLength(0);
        return length;
    }

    /** The number of bytes written to the file (pending rows excluded). */
    public long length() {
        return length;
    }

    /** Flushes and closes the file. */
    @Override
    public void close() throws IOException {
        try (channel) {
            flush();
        }
    }
}
