package org.optopt.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {
    @Test
    void multiLineMessagesBecomeOneLineWithTheirListItems() {
        assertEquals("File x not found. Searched: a; b. Download it from u.",
                ErrorMessages.oneLine("File x not found. Searched:\n  - a\n  - b\nDownload it from u."));
        assertEquals("bad lr", ErrorMessages.describe(new IllegalArgumentException("bad lr")));
        assertEquals("ArithmeticException: / by zero", ErrorMessages.describe(new ArithmeticException("/ by zero")));
    }

    @Test
    void fileSystemErrorsSayWhatFailedAndNothingIsNull() {
        assertEquals("/proc/x: permission denied", ErrorMessages.describe(new AccessDeniedException("/proc/x")));
        assertEquals("/a: no such file or directory", ErrorMessages.describe(new NoSuchFileException("/a")));
        assertEquals("/a: Read-only file system", ErrorMessages.describe(new FileSystemException("/a", null,
                "Read-only file system")));
        assertEquals("download of u failed: /b: permission denied", ErrorMessages.describe(
                new IOException("download of u failed: " + ErrorMessages.describe(new AccessDeniedException("/b")))));
        assertEquals("SocketTimeoutException", ErrorMessages.describe(new IOException((String) null, new java.net.SocketTimeoutException())));
        assertEquals("read-only file system", ErrorMessages.describe(new java.nio.file.ReadOnlyFileSystemException()));
    }
}
