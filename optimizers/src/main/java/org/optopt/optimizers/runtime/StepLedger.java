package org.optopt.optimizers.runtime;

import java.util.Objects;
import org.optopt.api.optim.NonFinitePolicy;

/**
 * The step and skipped-step counts of an optimizer (plain or tower) and its
 * {@link NonFinitePolicy}, which decides what a step that must not be applied does: under
 * {@link NonFinitePolicy#FAIL} it throws, under {@link NonFinitePolicy#SKIP_NON_FINITE} it is
 * counted as skipped.
 */
public final class StepLedger {
    private final String owner;
    private NonFinitePolicy policy = NonFinitePolicy.FAIL;
    private long steps;
    private long skipped;

    /** @param owner names the optimizer in messages, e.g. {@code adam} or {@code tower adam/sgd} */
    public StepLedger(String owner) {
        this.owner = owner;
    }

    /** The policy. */
    public NonFinitePolicy policy() {
        return policy;
    }

    /** Replaces the policy. */
    public void setPolicy(NonFinitePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The steps applied. */
    public long steps() {
        return steps;
    }

    /** The steps skipped. */
    public long skipped() {
        return skipped;
    }

    /** Counts one applied step. */
    public void applied() {
        steps++;
    }

    /** Replaces both counts (a loaded state). */
    public void restore(long steps, long skipped) {
        this.steps = steps;
        this.skipped = skipped;
    }

    /**
     * Applies the policy to a step that must not be applied because of {@code problem}.
     *
     * @return true: the step is skipped (and counted)
     * @throws IllegalStateException naming the problem and the step under {@link NonFinitePolicy#FAIL}
     */
    public boolean refuse(String problem) {
        if (policy == NonFinitePolicy.SKIP_NON_FINITE) {
            skipped++;
            return true;
        }
        throw new IllegalStateException(problem + "; step " + (steps + 1) + " of " + owner
                + " not applied, parameters and state unchanged");
    }
}
