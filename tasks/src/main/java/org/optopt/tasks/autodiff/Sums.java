package org.optopt.tasks.autodiff;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/** Sums and means, over all elements or along one axis (accumulated in double by the backend). */
public final class Sums {
    /** {@code gx = gx + s} */
    private static final Kernel ACC_UNIFORM = Kernel.builder("acc_uniform")
            .store("gx", buffer("gx").plus(scalar("s"))).build();

    private Sums() {}

    /** The sum of all elements, as a scalar (shape {@code []}). */
    public static Var sum(Var x) {
        return total(x, 1.0);
    }

    /** The mean of all elements, as a scalar. */
    public static Var mean(Var x) {
        int n = x.shape().size();
        if (n == 0) {
            throw new IllegalArgumentException("mean of an empty tensor of shape " + x.shape());
        }
        return total(x, 1.0 / n);
    }

    private static Var total(Var x, double factor) {
        Tape tape = x.tape();
        Tensor y = tape.lease(Shape.scalar());
        tape.backend().fillInPlace(y, (float) (factor * tape.backend().sum(x.value())));
        return tape.result(y, gy -> {
            double g = factor * gy.item();
            Tensor gx = tape.gradOf(x);
            if (Double.isFinite(g)) {
                tape.run(ACC_UNIFORM, "gx", gx, "s", g);
            } else {
                // kernel scalars must be finite; a diverged gradient still propagates as NaN/inf
                tape.backend().axpyInPlace(1f, tape.own(tape.backend().full(x.shape(), (float) g)), gx);
            }
        }, x);
    }

    /** The sum along {@code axis} (negative counts from the end); the axis is removed. */
    public static Var sum(Var x, int axis) {
        return alongAxis(x, axis, false);
    }

    /** The mean along {@code axis}; the axis is removed. */
    public static Var mean(Var x, int axis) {
        return alongAxis(x, axis, true);
    }

    private static Var alongAxis(Var x, int axis, boolean mean) {
        Tape tape = x.tape();
        Backend be = tape.backend();
        int ax = normalize(x.shape(), axis);
        int len = x.shape().dim(ax);
        Tensor s = tape.own(be.reduce(ReduceOp.SUM, x.value(), ax));
        Tensor y = mean ? tape.own(be.zip(BinaryOp.DIV, s, (float) len)) : s;
        return tape.result(y, gy -> {
            Tensor g = tape.gradOf(x);
            int[] kept = x.shape().dims();
            kept[ax] = 1;
            Tensor spread = tape.view(gy, Shape.of(kept));
            if (mean) {
                spread = tape.own(be.zip(BinaryOp.DIV, spread, (float) len));
            }
            Tensor updated = tape.own(be.zip(BinaryOp.ADD, g, spread));
            be.copyInPlace(updated, g);
        }, x);
    }

    private static int normalize(Shape s, int axis) {
        int ax = axis < 0 ? s.rank() + axis : axis;
        if (ax < 0 || ax >= s.rank()) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + s);
        }
        return ax;
    }

    /**
     * {@code t} summed over the axes along which {@code target} was broadcast to {@code t}'s shape,
     * as a tensor of shape {@code target} (owned by the tape, or {@code t} itself if nothing to sum).
     */
    static Tensor sumTo(Tape tape, Tensor t, Shape target) {
        Backend be = tape.backend();
        Tensor cur = t;
        int lead = cur.shape().rank() - target.rank();
        if (lead < 0) {
            throw new IllegalArgumentException("cannot sum shape " + t.shape() + " down to " + target);
        }
        for (int k = 0; k < lead; k++) {
            cur = tape.own(be.reduce(ReduceOp.SUM, cur, 0));
        }
        for (int k = 0; k < target.rank(); k++) {
            if (target.dim(k) == 1 && cur.shape().dim(k) != 1) {
                int[] dims = cur.shape().dims();
                dims[k] = 1;
                cur = tape.view(tape.own(be.reduce(ReduceOp.SUM, cur, k)), Shape.of(dims));
            }
        }
        if (!cur.shape().equals(target)) {
            throw new IllegalArgumentException("cannot sum shape " + t.shape() + " down to " + target);
        }
        return cur;
    }
}
