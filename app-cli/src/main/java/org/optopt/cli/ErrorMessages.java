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
        String line = oneLine(message);
        return t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                ? line : t.getClass().getSimpleName() + ": " + line;
    }

    /** A multi-line message on one line: list items ("- x") separated by "; ", other lines by a space. */
    static String oneLine(String message) {
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
}
