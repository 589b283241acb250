package org.optopt.tasks.nn;

import org.optopt.tasks.autodiff.Var;

/**
 * A model over batches of feature rows: its forward function (binding its parameters to the
 * batch's tape) and the floating-point operations of a training step through it.
 */
@FunctionalInterface
public interface Network {
    /** The outputs for a batch {@code x} of shape {@code [n, inputs]}. */
    Var forward(Var x);

    /** FLOP per example of forward and backward passes, by layer; none for a plain function. */
    default Flops flops() {
        return Flops.none();
    }
}
