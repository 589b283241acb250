package org.optopt.tasks.training;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;

/**
 * Exceptions as one line of text, as a failed run's {@code STATUS} records them (and the
 * {@code optopt} command prints them).
 */
public final class ErrorText {
    private ErrorText() {}

    /**
     * The innermost meaningful message of {@code e}, on one line, without wrapper noise: wrappers
     * without a message are skipped, a file-system error names the file and what went wrong
     * ({@code /proc/x: permission denied}), an exception without a message is named by its class,
     * never {@code null}.
     */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof FileSystemException f) {
            return fileSystem(f);
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t instanceof ReadOnlyFileSystemException ? "read-only file system" : t.getClass().getSimpleName();
        }
        String line = oneLine(message);
        return t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                ? line : t.getClass().getSimpleName() + ": " + line;
    }

    /** A multi-line message on one line: list items ("- x") separated by "; ", other lines by a space. */
    public static String oneLine(String message) {
        StringBuilder sb = new StringBuilder();
        boolean previousItem = false;
        for (String raw : message.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            boolean item = raw.startsWith("- ");
            if (!sb.isEmpty()) {
                sb.append(item && previousItem ? "; " : !item && previousItem ? ". " : " ");
            }
            sb.append(item ? raw.substring(2) : raw);
            previousItem = item;
        }
        return sb.toString();
    }

    /** The file, the other file if any, and the reason (the JDK leaves the reason out for common errors). */
    private static String fileSystem(FileSystemException f) {
        String reason = f.getReason() != null ? f.getReason()
                : f instanceof AccessDeniedException ? "permission denied"
                : f instanceof NoSuchFileException ? "no such file or directory"
                : f instanceof FileAlreadyExistsException ? "already exists"
                : f instanceof NotDirectoryException ? "not a directory"
                : f instanceof DirectoryNotEmptyException ? "directory not empty"
                : f.getClass().getSimpleName();
        String file = f.getFile() == null ? "" : f.getFile();
        String other = f.getOtherFile() == null ? "" : " -> " + f.getOtherFile();
        return file.isEmpty() && other.isEmpty() ? oneLine(reason) : file + other + ": " + oneLine(reason);
    }
}
