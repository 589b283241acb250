package org.optopt.tasks.autodiff;

import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A value recorded on a {@link Tape}: a tensor, and, if it depends on a parameter or variable, a
 * gradient accumulated by {@link Tape#backward(Var)}.
 *
 * <p>A {@code Var} lives until its tape is {@linkplain Tape#reset() reset} or closed; afterwards every
 * use fails with an {@link IllegalStateException}. Read what you need (loss, logits) before resetting.
 */
public final class Var {
    private final Tape tape;
    private final Tensor value;
    private final boolean requiresGrad;
    private final long generation;
    private Tensor grad;

    Var(Tape tape, Tensor value, boolean requiresGrad, Tensor grad, long generation) {
        this.tape = tape;
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.grad = grad;
        this.generation = generation;
    }

    /** The tape this value was recorded on. */
    public Tape tape() {
        return tape;
    }

    /** The value (owned by the tape unless this is a constant or parameter; do not close it). */
    public Tensor value() {
        tape.checkCurrent(this);
        return value;
    }

    /** The shape of the value. */
    public Shape shape() {
        return value.shape();
    }

    /** Whether gradients flow into this value. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * The gradient of the last {@link Tape#backward} target with respect to this value, or null if
     * none reached it (or it does not require one).
     */
    public Tensor grad() {
        tape.checkCurrent(this);
        return grad;
    }

    Tensor rawValue() {
        return value;
    }

    Tensor rawGrad() {
        return grad;
    }

    void setGrad(Tensor grad) {
        this.grad = grad;
    }

    long generation() {
        return generation;
    }

    @Override
    public String toString() {
        return "Var" + value.shape() + (requiresGrad ? " (requires grad)" : "");
    }
}
