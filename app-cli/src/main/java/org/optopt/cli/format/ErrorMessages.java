package org.optopt.cli.format;

import com.google.inject.ProvisionException;
import org.optopt.tasks.training.ErrorText;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;

/** Turns exceptions into the one-line messages the command prints. */
public final class ErrorMessages {
    private ErrorMessages() {}

    /**
     * The innermost meaningful message of {@code e} on one line ({@link ErrorText#describe}), looking
     * through Guice's wrapping of exceptions thrown while a command is created.
     */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t instanceof ProvisionException && t.getCause() != null) {
            t = t.getCause();
        }
        return ErrorText.describe(t);
    }

    /**
     * A usage error's message: picocli's own words where they are clear, without its "Error: "
     * prefix; an option given twice is named as such.
     */
    public static String usage(ParameterException e) {
        if (e instanceof OverwrittenOptionException o && o.getOverwritten() instanceof picocli.CommandLine.Model.OptionSpec opt) {
            return "option " + opt.longestName() + " was given more than once; give it once";
        }
        String message = oneLine(String.valueOf(e.getMessage()));
        return message.startsWith("Error: ") ? message.substring("Error: ".length()) : message;
    }

    /** A multi-line message on one line ({@link ErrorText#oneLine}). */
    public static String oneLine(String message) {
        return ErrorText.oneLine(message);
    }
}
