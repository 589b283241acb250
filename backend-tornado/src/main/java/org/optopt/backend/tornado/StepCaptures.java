package org.optopt.backend.tornado;

import java.util.Locale;

/**
 * What a device backend's automatic step capture has done: a training loop's repeating sequence of
 * device tasks recorded and replayed as one device execution plan (the {@code tornado} backend's
 * option {@code capture}), so that tests and the profile output can report it.
 */
public interface StepCaptures {

    /** The counts since the backend was created (all zero where capture is off). */
    Counts captures();

    /**
     * Step-capture counts.
     *
     * @param captures steps captured (each an execution plan built and compiled)
     * @param replayedSteps whole captured steps replayed
     * @param replayedCalls device task calls run as a captured step's graphs
     * @param fallBacks replays ended by a call the captured step did not expect
     * @param loads runs of a captured step's loading graph (its first replay, and wherever a tensor
     *     it takes from the device was not current there)
     */
    record Counts(long captures, long replayedSteps, long replayedCalls, long fallBacks, long loads) {
        /** One line. */
        public String summary() {
            return String.format(Locale.ROOT, "%d captured, %d steps replayed (%d task calls), %d fall-backs, %d loads",
                    captures, replayedSteps, replayedCalls, fallBacks, loads);
        }
    }
}
