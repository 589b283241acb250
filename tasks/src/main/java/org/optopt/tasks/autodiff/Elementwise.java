package org.optopt.tasks.autodiff;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Tensor;

/**
 * Elementwise operations. Operands of equal shape run as fused kernels into pooled tensors;
 * operands of different shapes broadcast as NumPy does ({@link Backend#zip}), and the gradient of a
 * broadcast operand is summed over the axes it was repeated along ({@link Sums#sumTo}).
 */
public final class Elementwise {
    private static final Kernel ADD = binary("add", BinaryOp.ADD);
    private static final Kernel SUB = binary("sub", BinaryOp.SUB);
    private static final Kernel MUL = binary("mul", BinaryOp.MUL);
    private static final Kernel DIV = binary("div", BinaryOp.DIV);
    /** {@code ga = gy * b} */
    private static final Kernel PRODUCT = Kernel.builder("product")
            .store("ga", buffer("gy").times(buffer("b"))).build();
    /** {@code ga = ga + gy * b} */
    private static final Kernel ACC_PRODUCT = Kernel.builder("acc_product")
            .store("ga", buffer("ga").plus(buffer("gy").times(buffer("b")))).build();
    /** {@code ga = ga + gy / b} */
    private static final Kernel ACC_QUOTIENT = Kernel.builder("acc_quotient")
            .store("ga", buffer("ga").plus(buffer("gy").div(buffer("b")))).build();
    /** {@code gb = gb - gy * y / b} (the derivative of {@code y = a/b} with respect to b) */
    private static final Kernel ACC_DIV_DENOMINATOR = Kernel.builder("acc_div_denominator")
            .store("gb", buffer("gb").minus(buffer("gy").times(buffer("y")).div(buffer("b")))).build();
    private static final Kernel SCALE = Kernel.builder("scale").store("y", buffer("x").times(scalar("s"))).build();
    private static final Kernel SHIFT = Kernel.builder("shift").store("y", buffer("x").plus(scalar("s"))).build();

    private Elementwise() {}

    private static Kernel binary(String name, BinaryOp op) {
        return Kernel.builder(name).store("y", new org.optopt.api.kernel.Expr.Binary(op, buffer("a"), buffer("b")))
                .build();
    }

    /** {@code f(x)} elementwise. */
    public static Var apply(UnaryFn f, Var x) {
        Tape tape = x.tape();
        Tensor xv = x.value();
        Tensor y = tape.lease(x.shape());
        tape.run(f.forwardKernel(), "x", xv, "y", y);
        return tape.result(y, gy -> {
            Tape.GradSink gx = tape.gradSink(x);
            tape.run(gx.beta() == 0f ? f.firstBackwardKernel() : f.backwardKernel(), "x", xv, "y", y, "gy", gy,
                    "gx", gx.tensor());
        }, x);
    }

    /** {@code tanh(x)} */
    public static Var tanh(Var x) {
        return apply(UnaryFn.TANH, x);
    }

    /** {@code max(x, 0)} */
    public static Var relu(Var x) {
        return apply(UnaryFn.RELU, x);
    }

    /** {@code 1/(1+e^-x)} */
    public static Var sigmoid(Var x) {
        return apply(UnaryFn.SIGMOID, x);
    }

    /** {@code x^2} */
    public static Var square(Var x) {
        return apply(UnaryFn.SQUARE, x);
    }

    /** {@code a + b} with broadcasting. */
    public static Var add(Var a, Var b) {
        return binary(a, b, BinaryOp.ADD, ADD);
    }

    /** {@code a - b} with broadcasting. */
    public static Var sub(Var a, Var b) {
        return binary(a, b, BinaryOp.SUB, SUB);
    }

    /** {@code a * b} with broadcasting. */
    public static Var mul(Var a, Var b) {
        return binary(a, b, BinaryOp.MUL, MUL);
    }

    /** {@code a / b} with broadcasting. */
    public static Var div(Var a, Var b) {
        return binary(a, b, BinaryOp.DIV, DIV);
    }

    /** {@code s * x} for a constant {@code s}. */
    public static Var scale(Var x, double s) {
        Tape tape = x.tape();
        Tensor y = tape.lease(x.shape());
        tape.run(SCALE, "x", x.value(), "y", y, "s", s);
        return tape.result(y, gy -> {
            Tensor gx = tape.gradOf(x);
            tape.backend().axpyInPlace((float) s, gy, gx);
        }, x);
    }

    /** {@code x + s} for a constant {@code s}. */
    public static Var shift(Var x, double s) {
        Tape tape = x.tape();
        Tensor y = tape.lease(x.shape());
        tape.run(SHIFT, "x", x.value(), "y", y, "s", s);
        return tape.result(y, gy -> tape.accumulate(x, gy), x);
    }

    private static Var binary(Var a, Var b, BinaryOp op, Kernel sameShape) {
        Tape tape = a.tape();
        tape.checkCurrent(b);
        Tensor av = a.value();
        Tensor bv = b.value();
        if (a.shape().equals(b.shape())) {
            Tensor y = tape.lease(a.shape());
            tape.run(sameShape, "a", av, "b", bv, "y", y);
            return tape.result(y, gy -> sameShapeBackward(tape, op, a, b, y, gy), a, b);
        }
        Backend be = tape.backend();
        Tensor y = tape.own(be.zip(op, av, bv));
        return tape.result(y, gy -> broadcastBackward(tape, op, a, b, y, gy), a, b);
    }

    /**
     * Same-shape gradients. A first contribution is written rather than added to a zero-filled
     * gradient: {@code a} of a sum or difference adopts {@code gy} itself ({@link Tape#adoptGradient}),
     * {@code b} gets a copy (negated for a difference), a product's operands {@code gy * other}.
     */
    private static void sameShapeBackward(Tape tape, BinaryOp op, Var a, Var b, Tensor y, Tensor gy) {
        Backend be = tape.backend();
        switch (op) {
            case ADD, SUB -> {
                if (a.requiresGrad()) {
                    tape.adoptGradient(a, gy);
                }
                Tape.GradSink gb = tape.gradSink(b);
                if (gb != null) {
                    float sign = op == BinaryOp.ADD ? 1f : -1f;
                    if (gb.beta() == 0f) {
                        tape.run(SCALE, "x", gy, "y", gb.tensor(), "s", sign);
                    } else {
                        be.axpyInPlace(sign, gy, gb.tensor());
                    }
                }
            }
            case MUL -> {
                product(tape, tape.gradSink(a), gy, b.rawValue());
                product(tape, tape.gradSink(b), gy, a.rawValue());
            }
            case DIV -> {
                Tensor ga = tape.gradOf(a);
                Tensor gb = tape.gradOf(b);
                if (ga != null) {
                    tape.run(ACC_QUOTIENT, "ga", ga, "gy", gy, "b", b.rawValue());
                }
                if (gb != null) {
                    tape.run(ACC_DIV_DENOMINATOR, "gb", gb, "gy", gy, "y", y, "b", b.rawValue());
                }
            }
            default -> throw new IllegalStateException("no gradient for " + op);
        }
    }

    /** {@code g = gy * other} into a first contribution, {@code g += gy * other} otherwise; nothing if null. */
    private static void product(Tape tape, Tape.GradSink g, Tensor gy, Tensor other) {
        if (g != null) {
            tape.run(g.beta() == 0f ? PRODUCT : ACC_PRODUCT, "ga", g.tensor(), "gy", gy, "b", other);
        }
    }

    private static void broadcastBackward(Tape tape, BinaryOp op, Var a, Var b, Tensor y, Tensor gy) {
        Backend be = tape.backend();
        Tensor av = a.rawValue();
        Tensor bv = b.rawValue();
        if (a.requiresGrad()) {
            Tensor ca = switch (op) {
                case ADD, SUB -> gy;
                case MUL -> tape.own(be.zip(BinaryOp.MUL, gy, bv));
                case DIV -> tape.own(be.zip(BinaryOp.DIV, gy, bv));
                default -> throw new IllegalStateException("no gradient for " + op);
            };
            tape.accumulate(a, Sums.sumTo(tape, ca, a.shape()));
        }
        if (b.requiresGrad()) {
            Tensor cb = switch (op) {
                case ADD -> gy;
                case SUB -> tape.own(be.zip(BinaryOp.MUL, gy, -1f));
                case MUL -> tape.own(be.zip(BinaryOp.MUL, gy, av));
                case DIV -> tape.own(be.zip(BinaryOp.DIV, tape.own(be.zip(BinaryOp.MUL, gy, y)), bv));
                default -> throw new IllegalStateException("no gradient for " + op);
            };
            if (op == BinaryOp.DIV) {
                cb = tape.own(be.zip(BinaryOp.MUL, cb, -1f));
            }
            tape.accumulate(b, Sums.sumTo(tape, cb, b.shape()));
        }
    }
}
