package org.optopt.optimizers.spec;

/**
 * A problem with an optimizer spec or a setting applied to one, in one line: the text, the
 * 1-based column where the problem starts (0 when it concerns the text as a whole) and what is wrong.
 */
public final class SpecException extends IllegalArgumentException {
    private final String input;
    private final int column;

    /**
     * A problem {@code problem} in {@code input}.
     *
     * @param what what {@code input} is, e.g. {@code optimizer} or {@code setting}
     * @param column the 1-based column of the problem, or 0 for the input as a whole
     */
    public SpecException(String what, String input, int column, String problem) {
        super("Invalid " + what + " \"" + input + "\"" + (column > 0 ? " at column " + column : "") + ": " + problem);
        this.input = input;
        this.column = column;
    }

    /** The text with the problem. */
    public String input() {
        return input;
    }

    /** The 1-based column of the problem, or 0 when it concerns the text as a whole. */
    public int column() {
        return column;
    }
}
