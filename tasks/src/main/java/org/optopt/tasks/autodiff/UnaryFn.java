package org.optopt.tasks.autodiff;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.zero;

import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.UnaryOp;

/**
 * Differentiable elementwise functions {@code y = f(x)}, each with its derivative written in terms
 * of {@code x} and {@code y}. Each is run as two fused kernels: the forward {@code y = f(x)} and the
 * backward {@code gx = gx + gy * f'(x)} (or {@code gx = gy * f'(x)} where it is the first contribution).
 */
public enum UnaryFn {
    /** {@code y = tanh(x)}, {@code f' = 1 - y^2} */
    TANH(x().apply(UnaryOp.TANH), one().minus(y().square())),
    /** {@code y = 1/(1+e^-x)}, {@code f' = y(1-y)} */
    SIGMOID(x().apply(UnaryOp.SIGMOID), y().times(one().minus(y()))),
    /** {@code y = max(x, 0)}, {@code f' = [x > 0]} */
    RELU(x().max(zero()), x().gt(zero())),
    /** {@code y = log(1+e^x)}, {@code f' = sigmoid(x)} */
    SOFTPLUS(x().apply(UnaryOp.SOFTPLUS), x().apply(UnaryOp.SIGMOID)),
    /** {@code y = e^x}, {@code f' = y} */
    EXP(x().apply(UnaryOp.EXP), y()),
    /** {@code y = ln x}, {@code f' = 1/x} */
    LOG(x().apply(UnaryOp.LOG), x().apply(UnaryOp.RECIPROCAL)),
    /** {@code y = x^2}, {@code f' = 2x} */
    SQUARE(x().square(), x().times(2.0)),
    /** {@code y = sqrt(x)}, {@code f' = 0.5/y} */
    SQRT(x().sqrt(), Expr.constant(0.5).div(y())),
    /** {@code y = -x}, {@code f' = -1} */
    NEG(x().neg(), Expr.constant(-1.0)),
    /** {@code y = 1/x}, {@code f' = -y^2} */
    RECIPROCAL(x().apply(UnaryOp.RECIPROCAL), y().square().neg()),
    /** {@code y = x}, {@code f' = 1} (an explicit copy; useful as "no activation") */
    IDENTITY(x(), one());

    private final Kernel forward;
    private final Kernel backward;
    private final Kernel firstBackward;

    UnaryFn(Expr f, Expr derivative) {
        String n = name().toLowerCase(java.util.Locale.ROOT);
        this.forward = Kernel.builder(n + "_forward").store("y", f).build();
        this.backward = Kernel.builder(n + "_backward")
                .store("gx", buffer("gx").plus(buffer("gy").times(derivative))).build();
        this.firstBackward = Kernel.builder(n + "_first_backward")
                .store("gx", buffer("gy").times(derivative)).build();
    }

    private static Expr x() {
        return buffer("x");
    }

    private static Expr y() {
        return buffer("y");
    }

    /** The kernel {@code y = f(x)} over buffers {@code x} and {@code y}. */
    public Kernel forwardKernel() {
        return forward;
    }

    /** The kernel {@code gx = gx + gy * f'(x)} over buffers among {@code x, y, gy, gx}. */
    public Kernel backwardKernel() {
        return backward;
    }

    /**
     * The kernel {@code gx = gy * f'(x)}, for the first contribution to a gradient (it spares
     * zero-filling {@code gx} and reading it back).
     */
    public Kernel firstBackwardKernel() {
        return firstBackward;
    }
}
