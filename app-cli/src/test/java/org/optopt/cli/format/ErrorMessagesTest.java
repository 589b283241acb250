package org.optopt.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorMessagesTest {
    @Test
    void multiLineMessagesBecomeOneLineWithTheirListItems() {
        assertEquals("File x not found. Searched: a; b. Download it from u.",
                ErrorMessages.oneLine("File x not found. Searched:\n  - a\n  - b\nDownload it from u."));
        assertEquals("bad lr", ErrorMessages.describe(new IllegalArgumentException("bad lr")));
        assertEquals("ArithmeticException: / by zero", ErrorMessages.describe(new ArithmeticException("/ by zero")));
    }
}
