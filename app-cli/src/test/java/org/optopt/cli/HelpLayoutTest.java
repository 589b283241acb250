package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HelpLayoutTest {
    @Test
    void linesBreakOnlyAtSpacesRightOfTheColumn() {
        String line = "      --data-dir=DIR     Data directory (default: $OPTOPT_DATA, else ~/.optopt/data, e.g. lr=0.01).";
        assertEquals("      --data-dir=DIR     Data directory (default: $OPTOPT_DATA, else\n"
                + " ".repeat(27) + "~/.optopt/data, e.g. lr=0.01).", HelpLayout.wrap(line, 70, 25, 27));
        assertEquals("short\n", HelpLayout.wrap("short\n", 70, 25, 27));
        String word = "      --x=X              " + "y".repeat(80) + " z";
        assertEquals("      --x=X              " + "y".repeat(80) + "\n" + " ".repeat(27) + "z",
                HelpLayout.wrap(word, 70, 25, 27), "a word longer than the line stays whole");
    }
}
