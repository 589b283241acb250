package org.optopt.optimizers.hyper;

/** A problem in an optimizer stack string, at a 1-based column. */
public final class StackSyntaxException extends IllegalArgumentException {
    private final String input;
    private final int column;

    /** A problem {@code problem} in {@code input} at 1-based column {@code column}. */
    public StackSyntaxException(String input, int column, String problem) {
        super("Invalid optimizer stack \"" + input + "\" at column " + column + ": " + problem);
        this.input = input;
        this.column = column;
    }

    /** The stack string. */
    public String input() {
        return input;
    }

    /** The 1-based column of the problem. */
    public int column() {
        return column;
    }
}
