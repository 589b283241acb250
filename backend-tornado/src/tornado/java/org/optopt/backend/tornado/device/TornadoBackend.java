package org.optopt.backend.tornado.device;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BatchedGemmShape;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.support.GemmShape;
import org.optopt.api.backend.support.HeapBackend;
import org.optopt.api.backend.support.HeapTensor;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Precision;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.backend.tornado.DeviceCompilations;
import org.optopt.backend.tornado.DeviceTimes;
import org.optopt.backend.tornado.DeviceTransfers;
import org.optopt.backend.tornado.StepCaptures;
import org.optopt.backend.tornado.TornadoBackendProvider;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;

/**
 * The {@code tornado} backend: compiled kernels run on a TornadoVM device, one generated
 * {@code @Parallel} task per kernel ({@link KernelSource}, {@link DeviceKernel}), and their tensors
 * stay in device memory between runs. With device primitives ({@code primitives=device}, or
 * {@code auto} on a device that is not a CPU) the matrix products ({@link DeviceProducts}) and the
 * elementwise primitives ({@link DeviceElementwise}) run there too, their results left on the
 * device. Every other primitive (and these, with host primitives) is {@link HeapBackend}'s
 * plain-Java loop on the host copy, which {@link Storage} brings up to date first (and marks the
 * device copy out of date where the primitive writes). So an optimizer's state tensors, which only
 * its kernel touches, never leave the device, and a parameter crosses only when the host reads or
 * writes it, or when a device task other than the one holding it reads it (each task's execution
 * plan holds device copies of its own, see {@link DevicePlans}), except within the steps that step
 * capture ({@code capture=on}, {@link StepCapture}) replays as the graphs of one plan.
 *
 * <p>All device and residency work is serialized on this object.
 */
final class TornadoBackend implements Backend, DeviceTransfers, DeviceCompilations, DeviceTimes, StepCaptures {
    private final TornadoDevices.Entry device;
    private final Path kernelFolder;
    private final String memoryLimit;
    private final boolean profile;
    /** The device's matrix products and elementwise primitives, or null where they run on the host. */
    private final DeviceProducts products;
    private final DeviceElementwise elementwise;
    /** The step capture, or null where it is off. */
    private final StepCapture steps;
    private long kernelRuns;
    private long compileNanos;
    private long kernelNanos;
    private long transferNanos;
    private final HostArithmetic host = new HostArithmetic();
    private final Map<Kernel, Class<?>> taskClasses = new ConcurrentHashMap<>();
    private final List<DeviceKernel> compiled = new ArrayList<>();
    private long toDevice;
    private long toDeviceBytes;
    private long toHost;
    private long toHostBytes;
    private long compilations;

    TornadoBackend(TornadoDevices.Entry device, Path kernelFolder, String memoryLimit, boolean profile,
            boolean devicePrimitives, boolean capture) {
        this.device = device;
        this.kernelFolder = kernelFolder;
        this.memoryLimit = memoryLimit;
        this.profile = profile;
        this.products = devicePrimitives ? new DeviceProducts(this) : null;
        this.elementwise = devicePrimitives ? new DeviceElementwise(this) : null;
        this.steps = capture ? new StepCapture(this) : null;
    }

    /** The host arithmetic: HeapBackend's loops over the host copies. */
    private static final class HostArithmetic extends HeapBackend {
        @Override
        public String name() {
            return TornadoBackendProvider.NAME;
        }
    }

    @Override
    public String name() {
        return TornadoBackendProvider.NAME;
    }

    /** The device kernels run on. */
    TornadoDevices.Entry device() {
        return device;
    }

    /** The step capture every device task call goes through, or null where it is off. */
    StepCapture steps() {
        return steps;
    }

    @Override
    public synchronized StepCaptures.Counts captures() {
        return steps == null ? new StepCaptures.Counts(0, 0, 0, 0, 0) : steps.counts();
    }

    /** The most device memory one kernel execution may allocate, in TornadoVM's notation, or null. */
    String memoryLimit() {
        return memoryLimit;
    }

    // ---- residency ------------------------------------------------------------------------

    /**
     * The tensor {@code t} as this backend's, checked to be one of its tensors.
     *
     * @throws IllegalArgumentException naming {@code what} if another backend created it
     */
    DeviceTensor own(Tensor t, String what) {
        Objects.requireNonNull(t, what);
        if (!(t instanceof DeviceTensor d) || d.owner != this) {
            throw new IllegalArgumentException(what + " was not created by this backend");
        }
        return d;
    }

    /** How a host primitive uses a tensor, which decides what {@link Storage} must do first. */
    private enum Use { READ, WRITE, OVERWRITE }

    /**
     * {@link #own}, for a primitive other than kernels, copies and fills, which take float32 tensors only.
     *
     * @throws IllegalArgumentException naming {@code what} if {@code t} is float16
     */
    private DeviceTensor float32(Tensor t, String what) {
        DeviceTensor d = own(t, what);
        if (d.precision() != Precision.FLOAT32) {
            throw new IllegalArgumentException(what + " is a " + d.precision().label()
                    + " tensor; only kernels, copy, copyInPlace, fillInPlace, toArray and copyFrom take one");
        }
        return d;
    }

    /** The host copy of float32 tensor {@code t}, brought up to date as {@code use} needs (a closed tensor is left for the host to reject). */
    private HeapTensor host(Tensor t, String what, Use use) {
        return current(float32(t, what), use);
    }

    /** The host copy of {@code d}, brought up to date as {@code use} needs. */
    private HeapTensor current(DeviceTensor d, Use use) {
        synchronized (this) {
            if (!d.isClosed()) {
                switch (use) {
                    case READ -> d.storage.forHostRead();
                    case WRITE -> d.storage.forHostWrite();
                    case OVERWRITE -> d.storage.forHostOverwrite();
                }
            }
        }
        return d.host;
    }

    private HeapTensor read(Tensor t, String what) {
        return host(t, what, Use.READ);
    }

    /** A new float32 tensor over the host result of the host arithmetic. */
    private Tensor adopt(Tensor hostResult) {
        return adopt(hostResult, Precision.FLOAT32);
    }

    /** A new tensor of {@code precision} over the host result of the host arithmetic (float16: of float16 values). */
    private Tensor adopt(Tensor hostResult, Precision precision) {
        HeapTensor h = (HeapTensor) hostResult;
        return new DeviceTensor(this, new Storage(h.data()), h, false, precision);
    }

    synchronized void countToDevice(long bytes) {
        toDevice++;
        toDeviceBytes += bytes;
    }

    synchronized void countToHost(long bytes) {
        toHost++;
        toHostBytes += bytes;
    }

    /** Whether TornadoVM's profiler times the runs. */
    boolean profiling() {
        return profile;
    }

    /** Adds a profiled run's times (or an on-demand copy's, with no run). */
    synchronized void countTimes(boolean run, long compile, long kernel, long transfer) {
        kernelRuns += run ? 1 : 0;
        compileNanos += compile;
        kernelNanos += kernel;
        transferNanos += transfer;
    }

    @Override
    public synchronized Optional<Times> times() {
        return profile ? Optional.of(new Times(kernelRuns, compilations, compileNanos, kernelNanos, transferNanos, transfers())) : Optional.empty();
    }

    synchronized void countCompilation() {
        compilations++;
    }

    @Override
    public synchronized long compilations() {
        return compilations;
    }

    @Override
    public synchronized DeviceTransfers.Counts transfers() {
        return new DeviceTransfers.Counts(toDevice, toDeviceBytes, toHost, toHostBytes);
    }

    // ---- creation -------------------------------------------------------------------------

    @Override
    public Tensor zeros(Shape shape) {
        return adopt(host.zeros(shape));
    }

    /** A float16 tensor is held as floats of float16 values ({@link DeviceTensor}). */
    @Override
    public Tensor zeros(Shape shape, Precision precision) {
        return adopt(host.zeros(shape), precision);
    }

    @Override
    public Tensor full(Shape shape, float value) {
        return adopt(host.full(shape, value));
    }

    @Override
    public Tensor fromArray(float[] data, Shape shape) {
        return adopt(host.fromArray(data, shape));
    }

    @Override
    public Tensor copy(Tensor x) {
        DeviceTensor d = own(x, "copy source");
        return adopt(host.copy(current(d, Use.READ)), d.precision());
    }

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        DeviceTensor d = own(x, "reshape source");
        HeapTensor view = (HeapTensor) host.reshape(d.host, shape);
        return new DeviceTensor(this, d.storage, view, true, d.precision());
    }

    @Override
    public Tensor randomNormal(Shape shape, double mean, double std, long seed) {
        return adopt(host.randomNormal(shape, mean, std, seed));
    }

    @Override
    public Tensor randomUniform(Shape shape, double low, double high, long seed) {
        return adopt(host.randomUniform(shape, low, high, seed));
    }

    // ---- host primitives ------------------------------------------------------------------

    @Override
    public Tensor map(UnaryOp op, Tensor x) {
        if (elementwise != null && live(x, "map operand")) {
            return elementwise.map(op, x);
        }
        return adopt(host.map(op, read(x, "map operand")));
    }

    @Override
    public Tensor zip(BinaryOp op, Tensor a, Tensor b) {
        if (elementwise != null && live(a, "left operand") && live(b, "right operand") && a.shape().equals(b.shape())) {
            return elementwise.zip(op, a, b);
        }
        return adopt(host.zip(op, read(a, "left operand"), read(b, "right operand")));
    }

    @Override
    public Tensor zip(BinaryOp op, Tensor a, float b) {
        if (elementwise != null && Float.isFinite(b) && live(a, "left operand")) {
            return elementwise.zip(op, a, b);
        }
        return adopt(host.zip(op, read(a, "left operand"), b));
    }

    @Override
    public void axpyInPlace(float alpha, Tensor x, Tensor y) {
        if (elementwise != null && Float.isFinite(alpha) && live(x, "x") && live(y, "y") && x.shape().equals(y.shape())) {
            elementwise.axpy(alpha, x, y);
            return;
        }
        host.axpyInPlace(alpha, read(x, "x"), host(y, "y", Use.WRITE));
    }

    @Override
    public void fillInPlace(Tensor x, float value) {
        DeviceTensor d = own(x, "fill target");
        if (d.precision() == Precision.FLOAT16) {
            host.fillInPlace(current(d, Use.OVERWRITE), Precision.FLOAT16.round(value));
            return;
        }
        if (elementwise != null && Float.isFinite(value) && live(x, "fill target")) {
            elementwise.fill(x, value);
            return;
        }
        host.fillInPlace(host(x, "fill target", Use.OVERWRITE), value);
    }

    @Override
    public void copyInPlace(Tensor source, Tensor target) {
        DeviceTensor from = own(source, "source");
        DeviceTensor to = own(target, "target");
        if (from.precision() != to.precision()) {
            throw new IllegalArgumentException("copyInPlace: source is " + from.precision().label() + " but target is "
                    + to.precision().label());
        }
        if (from.precision() == Precision.FLOAT16) { // float16 values in float storage: a float copy keeps them
            HeapTensor values = current(from, Use.READ);
            host.copyInPlace(values, source.shape().equals(target.shape()) ? current(to, Use.OVERWRITE) : to.host);
            return;
        }
        if (elementwise != null && live(source, "source") && live(target, "target") && source.shape().equals(target.shape())) {
            elementwise.copy(source, target);
            return;
        }
        HeapTensor s = read(source, "source");
        host.copyInPlace(s, source.shape().equals(target.shape()) ? host(target, "target", Use.OVERWRITE) : own(target, "target").host);
    }

    /**
     * Whether {@code t}, a tensor of this backend, is open and has elements: an elementwise
     * primitive goes to the device only over such tensors (and with a finite scalar operand, as a
     * kernel's scalars are), the host's loop taking the rest (reporting a closed tensor, computing
     * nothing for an empty one, applying a NaN or infinite scalar).
     *
     * @throws IllegalArgumentException if another backend created {@code t}
     */
    private boolean live(Tensor t, String what) {
        DeviceTensor d = float32(t, what);
        return !d.isClosed() && d.shape().size() > 0;
    }

    @Override
    public double reduce(ReduceOp op, Tensor x) {
        return host.reduce(op, read(x, "reduce operand"));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis) {
        return adopt(host.reduce(op, read(x, "reduce operand"), axis));
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        return host.dot(read(a, "left operand"), read(b, "right operand"));
    }

    @Override
    public int[] argmax(Tensor x) {
        return host.argmax(read(x, "argmax operand"));
    }

    @Override
    public void gemmInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, float beta,
            Tensor c) {
        GemmShape g = GemmShape.of(a, transposeA, b, transposeB, c);
        if (!onDevice(new BatchedGemmShape(1, g.m(), g.n(), g.k()), alpha, a, transposeA, b, transposeB, beta, c, "gemm")) {
            HeapTensor x = read(a, "gemm A");
            HeapTensor y = read(b, "gemm B");
            host.gemmInPlace(alpha, x, transposeA, y, transposeB, beta, host(c, "gemm C", beta == 0f ? Use.OVERWRITE : Use.WRITE));
        }
    }

    @Override
    public void gemmBatchedInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB,
            float beta, Tensor c) {
        BatchedGemmShape s = BatchedGemmShape.of(a, transposeA, b, transposeB, c);
        if (!onDevice(s, alpha, a, transposeA, b, transposeB, beta, c, "batched gemm")) {
            HeapTensor x = read(a, "batched gemm A");
            HeapTensor y = read(b, "batched gemm B");
            host.gemmBatchedInPlace(alpha, x, transposeA, y, transposeB, beta,
                    host(c, "batched gemm C", beta == 0f ? Use.OVERWRITE : Use.WRITE));
        }
    }

    /**
     * Runs the products on the device if they go there: with device primitives, unless a dimension
     * is zero (nothing to compute, or {@code C = beta C}) or {@code C} shares memory with an operand
     * (a product in place, which a parallel device loop would race on); those few run on the host's
     * loop, as do all products with host primitives.
     *
     * @return whether the products ran on the device
     */
    private boolean onDevice(BatchedGemmShape s, float alpha, Tensor a, boolean transposeA, Tensor b,
            boolean transposeB, float beta, Tensor c, String what) {
        if (products == null || s.count() == 0 || s.m() == 0 || s.n() == 0 || s.k() == 0) {
            return false;
        }
        Storage x = open(a, what + " A");
        Storage y = open(b, what + " B");
        Storage z = open(c, what + " C");
        if (z == x || z == y) {
            return false;
        }
        synchronized (this) {
            products.gemm(s, alpha, x, transposeA, y, transposeB, beta, z);
        }
        return true;
    }

    /** The memory of {@code t}, checked to be an open tensor of this backend. */
    private Storage open(Tensor t, String what) {
        DeviceTensor d = own(t, what);
        if (d.isClosed()) {
            throw new IllegalStateException(what + " (shape " + d.shape() + ") is closed");
        }
        return d.storage;
    }

    @Override
    public Tensor transpose(Tensor x) {
        return adopt(host.transpose(read(x, "transpose operand")));
    }

    @Override
    public Tensor gatherRows(Tensor table, int[] rows) {
        return adopt(host.gatherRows(read(table, "gatherRows table"), rows));
    }

    @Override
    public void scatterAddRowsInPlace(Tensor table, int[] rows, Tensor values) {
        HeapTensor v = read(values, "scatterAddRows values");
        host.scatterAddRowsInPlace(host(table, "scatterAddRows table", Use.WRITE), rows, v);
    }

    // ---- kernels --------------------------------------------------------------------------

    /** A generated task for {@code kernel} (one class per distinct kernel); the device compiles it on first run. */
    @Override
    public CompiledKernel compile(Kernel kernel) {
        return compileKernel(kernel);
    }

    /** {@link #compile}, typed. */
    DeviceKernel compileKernel(Kernel kernel) {
        Class<?> taskClass = taskClasses.computeIfAbsent(kernel,
                k -> KernelClassCompiler.compile(KernelSource.of(KernelPlan.of(k)), kernelFolder));
        DeviceKernel k = new DeviceKernel(this, kernel, taskClass);
        synchronized (compiled) {
            compiled.add(k);
        }
        return k;
    }

    /**
     * The processors of a CPU device (PoCL runs a kernel on all of them), else 1: a benchmark's host
     * bandwidth baseline then uses as many threads as the kernel does; on a GPU no host baseline
     * compares with device memory, and 1 says that none was matched.
     */
    @Override
    public int kernelThreads() {
        return device.device().getDeviceType() == TornadoDeviceType.CPU ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /** Frees the device memory of every kernel's, product's and captured step's executions. */
    @Override
    public void close() {
        synchronized (compiled) {
            compiled.forEach(DeviceKernel::close);
            compiled.clear();
        }
        synchronized (this) {
            if (steps != null) {
                steps.close();
            }
            if (products != null) {
                products.close();
            }
        }
    }
}
