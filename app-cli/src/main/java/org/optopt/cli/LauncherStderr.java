package org.optopt.cli;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Gives the process back the standard error its launcher was given. {@code bin/optopt} starts the
 * JVM with standard error piped through a filter that drops the one line the JVM prints at every
 * start where an incubator module is resolved ({@code WARNING: Using incubator modules:
 * jdk.incubator.vector}), and passes the original standard error as another descriptor, named by
 * the system property {@value #PROPERTY}. {@link #restore} moves that descriptor onto descriptor 2
 * ({@code dup2}, through the FFM API), so that everything written later, by Java or native code,
 * goes straight to the original standard error, and the filter, its pipe closed, ends at once:
 * nothing can still be passing through it when the JVM exits.
 *
 * <p>Why not leave the filter in place: a filter process relays the JVM's last lines after the
 * JVM has exited, so a caller that waits for the process and then reads a redirected file could
 * miss them. Why not print the warning: every command's output, and every one-line error, would
 * start with a line about the JVM.
 */
public final class LauncherStderr {
    /**
     * The system property naming the descriptor of the launcher's standard error. A process started
     * with this JVM's options (a study's workers) must leave it out: descriptors other than 0-2 are
     * not inherited, so there the number may name any file the JVM opened.
     */
    public static final String PROPERTY = "optopt.stderr.fd";

    private LauncherStderr() {}

    /** Moves the descriptor named by {@value #PROPERTY} onto standard error, if the property is set. */
    static void restore() {
        String fd = System.getProperty(PROPERTY);
        if (fd == null) {
            return;
        }
        int descriptor;
        try {
            descriptor = Integer.parseInt(fd);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be a file descriptor number, got '" + fd + "'");
        }
        System.err.flush();
        try {
            MethodHandle dup2 = libc("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
            MethodHandle close = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            if ((int) dup2.invokeExact(descriptor, 2) < 0 || (int) close.invokeExact(descriptor) < 0) {
                throw new IllegalStateException("could not restore standard error from descriptor " + descriptor);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("could not restore standard error from descriptor " + descriptor, e);
        }
    }

    /** The C library's function {@code name} of the given type. */
    private static MethodHandle libc(String name, FunctionDescriptor type) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name)), type);
    }
}
