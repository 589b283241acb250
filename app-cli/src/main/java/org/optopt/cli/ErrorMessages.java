package org.optopt.cli;

import com.google.inject.ProvisionException;

/** Turns exceptions into the one-line messages the command prints. */
final class ErrorMessages {
    private ErrorMessages() {}

    /** The innermost meaningful message of {@code e}, without wrapper noise. */
    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof ProvisionException || t.getMessage() == null) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        String firstLine = message.strip().lines().findFirst().orElse(message);
        return t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                ? firstLine : t.getClass().getSimpleName() + ": " + firstLine;
    }
}
