package org.optopt.backend.tornado.device;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Tensor;

/**
 * The elementwise primitives on the device, each a kernel of the kernel language that the backend
 * compiles once per op (one generated task, its plans kept by layout like any compiled kernel's),
 * (closed with the backend's other kernels), so that their operands and results stay on the device: {@code map}, {@code zip} of equal shapes or
 * with a scalar, {@code axpyInPlace}, {@code fillInPlace} and {@code copyInPlace}. The kernels
 * compute {@code KernelMath}'s floats, the host loop's ({@code y + alpha * x} for axpy, each product
 * rounded), so results equal the host's bit for bit.
 *
 * <p>A kernel's buffers all have one length, so a broadcasting {@code zip} first broadcasts its
 * smaller operand to the result's shape ({@link DeviceRearrangements#broadcast}); the reductions are
 * tasks of their own ({@link DeviceReductions}).
 */
final class DeviceElementwise {
    private static final Kernel AXPY = Kernel.builder("axpy_in_place")
            .store("y", Expr.buffer("y").plus(Expr.scalar("alpha").times(Expr.buffer("x"))))
            .build();
    private static final Kernel FILL = Kernel.builder("fill_in_place").store("x", Expr.scalar("value")).build();
    private static final Kernel COPY = Kernel.builder("copy_in_place").store("target", Expr.buffer("source")).build();

    private final TornadoBackend backend;
    private final Map<Kernel, DeviceKernel> kernels = new ConcurrentHashMap<>();

    DeviceElementwise(TornadoBackend backend) {
        this.backend = backend;
    }

    /** {@code op(x)}, as a new tensor. */
    Tensor map(UnaryOp op, Tensor x) {
        return result("map_" + name(op), new Expr.Unary(op, Expr.buffer("x")), x, args -> args.buffer("x", x));
    }

    /** {@code op(a, b)} of equal shapes, as a new tensor. */
    Tensor zip(BinaryOp op, Tensor a, Tensor b) {
        return result("zip_" + name(op), new Expr.Binary(op, Expr.buffer("a"), Expr.buffer("b")), a,
                args -> args.buffer("a", a).buffer("b", b));
    }

    /** {@code op(a, b)} for a scalar {@code b}, as a new tensor. */
    Tensor zip(BinaryOp op, Tensor a, float b) {
        return result("zip_scalar_" + name(op), new Expr.Binary(op, Expr.buffer("a"), Expr.scalar("b")), a,
                args -> args.buffer("a", a).scalar("b", b));
    }

    /** A new tensor shaped like {@code like}: the kernel {@code name} storing {@code value} into {@code out}, run with its operands bound by {@code bind}. */
    private Tensor result(String name, Expr value, Tensor like, UnaryOperator<KernelArgs> bind) {
        Kernel k = Kernel.builder(name).store("out", value).build();
        Tensor out = backend.zeros(like.shape());
        run(k, bind.apply(new KernelArgs(k)).buffer("out", out));
        return out;
    }

    private static String name(Enum<?> op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    /** {@code y += alpha * x}, equal shapes. */
    void axpy(float alpha, Tensor x, Tensor y) {
        run(AXPY, new KernelArgs(AXPY).buffer("x", x).buffer("y", y).scalar("alpha", alpha));
    }

    /** Every element of {@code x} set to {@code value}. */
    void fill(Tensor x, float value) {
        run(FILL, new KernelArgs(FILL).buffer("x", x).scalar("value", value));
    }

    /** {@code target = source}, equal shapes. */
    void copy(Tensor source, Tensor target) {
        run(COPY, new KernelArgs(COPY).buffer("source", source).buffer("target", target));
    }

    private void run(Kernel k, KernelArgs args) {
        kernels.computeIfAbsent(k, backend::compileKernel).run(args);
    }
}
