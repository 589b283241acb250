package org.optopt.api.backend;

import java.util.Objects;

/**
 * Whether a backend can be created on this machine, and if not, why.
 *
 * @param available true if {@link BackendProvider#create} is expected to succeed
 * @param reason a human-readable explanation (what was found, or what is missing)
 */
public record Availability(boolean available, String reason) {
    /** Validates that a reason is given. */
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    /** An available backend, with a note on what it runs on. */
    public static Availability available(String note) {
        return new Availability(true, note);
    }

    /** An unavailable backend, with the reason. */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
