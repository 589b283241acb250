package org.optopt.cli.study;

/**
 * A study file or override that cannot be used, with a one-line message naming the file, line and
 * key path, e.g. {@code paper-b.yaml:14: optimizers[2].grid.lr: expected a list of numbers}.
 */
public final class StudyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception with a complete message. */
    public StudyException(String message) {
        super(message);
    }
}
