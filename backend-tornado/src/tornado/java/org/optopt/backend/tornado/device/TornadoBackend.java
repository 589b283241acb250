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
import org.optopt.api.backend.ImageTiles;
import org.optopt.api.backend.ImageWindow;
import org.optopt.api.backend.TileTransforms;
import org.optopt.api.backend.support.Broadcast;
import org.optopt.api.backend.support.GemmShape;
import org.optopt.api.backend.support.HeapBackend;
import org.optopt.api.backend.support.HeapTensor;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
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
 * {@code auto} on a device that is not a CPU) the matrix products ({@link DeviceProducts}), the
 * elementwise primitives ({@link DeviceElementwise}), the reductions ({@link DeviceReductions}), the
 * rearrangements ({@link DeviceRearrangements}), the forward window primitives
 * ({@link DeviceWindows}) and the tile transforms ({@link DeviceTiles}) run there too, their results
 * left on the device. The rest (the few cases those leave out, and everything with host primitives) is
 * {@link HeapBackend}'s plain-Java loop on the host copy, which {@link Storage} brings up to date
 * first (and marks the device copy out of date where the primitive writes). So an optimizer's state
 * tensors, which only its kernel touches, never leave the device, and a parameter crosses only when
 * the host reads or writes it, or when a device task other than the one holding it reads it (each
 * task's execution plan holds device copies of its own, see {@link DevicePlans}), except within the
 * steps that step capture ({@code capture=on}, {@link StepCapture}) replays as the graphs of one plan.
 *
 * <p>All device and residency work is serialized on this object.
 */
final class TornadoBackend implements Backend, DeviceTransfers, DeviceCompilations, DeviceTimes, StepCaptures {
    private final TornadoDevices.Entry device;
    private final Path kernelFolder;
    private final String memoryLimit;
    private final boolean profile;
    /** The device primitives, or null where they run on the host. */
    private final DeviceProducts products;
    private final DeviceElementwise elementwise;
    private final DeviceReductions reductions;
    private final DeviceRearrangements rearrangements;
    private final DeviceWindows windows;
    private final DeviceTiles tiles;
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
        this.reductions = devicePrimitives ? new DeviceReductions(this) : null;
        this.rearrangements = devicePrimitives ? new DeviceRearrangements(this) : null;
        this.windows = devicePrimitives ? new DeviceWindows(this) : null;
        this.tiles = devicePrimitives ? new DeviceTiles(this) : null;
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

    /** The host copy of {@code t}, brought up to date as {@code use} needs (a closed tensor is left for the host to reject). */
    private HeapTensor host(Tensor t, String what, Use use) {
        DeviceTensor d = own(t, what);
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

    /** A new tensor over the host result of the host arithmetic. */
    private Tensor adopt(Tensor hostResult) {
        HeapTensor h = (HeapTensor) hostResult;
        return new DeviceTensor(this, new Storage(h.data()), h, false);
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
        return adopt(host.copy(read(x, "copy source")));
    }

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        DeviceTensor d = own(x, "reshape source");
        HeapTensor view = (HeapTensor) host.reshape(d.host, shape);
        return new DeviceTensor(this, d.storage, view, true);
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
        if (elementwise != null && live(a, "left operand") && live(b, "right operand")) {
            if (a.shape().equals(b.shape())) {
                return elementwise.zip(op, a, b);
            }
            Shape result = Broadcast.of(a.shape(), b.shape()).result();
            if (result.size() > 0 && result.rank() <= DeviceRearrangements.MAX_RANK) {
                try (Tensor x = broadcast(a, result); Tensor y = broadcast(b, result)) {
                    return elementwise.zip(op, x, y);
                }
            }
        }
        return adopt(host.zip(op, read(a, "left operand"), read(b, "right operand")));
    }

    /**
     * {@code t} broadcast to {@code shape} on the device (a view of it where the sizes agree: then
     * the shapes differ only by leading 1s); closing the result leaves {@code t} open.
     */
    private Tensor broadcast(Tensor t, Shape shape) {
        DeviceTensor d = own(t, "zip operand");
        if (t.shape().size() == shape.size()) {
            return new DeviceTensor(this, d.storage, (HeapTensor) host.reshape(d.host, shape), true);
        }
        synchronized (this) {
            return rearrangements.broadcast(d.storage, t.shape(), shape);
        }
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
        if (elementwise != null && Float.isFinite(value) && live(x, "fill target")) {
            elementwise.fill(x, value);
            return;
        }
        host.fillInPlace(host(x, "fill target", Use.OVERWRITE), value);
    }

    @Override
    public void copyInPlace(Tensor source, Tensor target) {
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
        DeviceTensor d = own(t, what);
        return !d.isClosed() && d.shape().size() > 0;
    }

    @Override
    public double reduce(ReduceOp op, Tensor x) {
        if (reductions != null && live(x, "reduce operand")) {
            synchronized (this) {
                return reductions.reduce(op, own(x, "reduce operand").storage, x.shape().size());
            }
        }
        return host.reduce(op, read(x, "reduce operand"));
    }

    /**
     * {@inheritDoc} On the device where it has work: an axis in range and elements; the host's
     * loop takes the rest (reporting a bad axis, or returning an empty tensor or identities).
     */
    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis) {
        if (reductions != null && live(x, "reduce operand")) {
            Shape s = x.shape();
            int ax = axis < 0 ? axis + s.rank() : axis;
            if (ax >= 0 && ax < s.rank()) {
                synchronized (this) {
                    return reductions.reduce(op, own(x, "reduce operand").storage, s, ax);
                }
            }
        }
        return adopt(host.reduce(op, read(x, "reduce operand"), axis));
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        if (reductions != null && live(a, "left operand") && live(b, "right operand") && a.shape().equals(b.shape())) {
            synchronized (this) {
                return reductions.dot(own(a, "left operand").storage, own(b, "right operand").storage, a.shape().size());
            }
        }
        return host.dot(read(a, "left operand"), read(b, "right operand"));
    }

    @Override
    public int[] argmax(Tensor x) {
        Shape s = x.shape();
        if (reductions != null && live(x, "argmax operand") && s.rank() > 0 && s.dim(-1) <= DeviceRearrangements.MAX_EXACT) {
            synchronized (this) {
                return reductions.argmax(own(x, "argmax operand").storage, s.size() / s.dim(-1), s.dim(-1));
            }
        }
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
        if (rearrangements != null && live(x, "transpose operand") && x.shape().rank() == 2) {
            synchronized (this) {
                return rearrangements.transpose(own(x, "transpose operand").storage, x.shape().dim(0), x.shape().dim(1));
            }
        }
        return adopt(host.transpose(read(x, "transpose operand")));
    }

    @Override
    public Tensor gatherRows(Tensor table, int[] rows) {
        if (gatherOnDevice(table, rows)) {
            Tensor out = zeros(Shape.matrix(rows.length, table.shape().dim(1)));
            gatherRowsInPlace(table, rows, out);
            return out;
        }
        return adopt(host.gatherRows(read(table, "gatherRows table"), rows));
    }

    @Override
    public void gatherRowsInPlace(Tensor table, int[] rows, Tensor out) {
        if (gatherOnDevice(table, rows) && live(out, "gatherRows output")
                && out.shape().equals(Shape.matrix(rows.length, table.shape().dim(1)))
                && own(out, "gatherRows output").storage != own(table, "gatherRows table").storage) {
            synchronized (this) {
                rearrangements.gatherRows(own(table, "gatherRows table").storage, rows, table.shape().dim(1),
                        own(out, "gatherRows output").storage);
            }
            return;
        }
        Backend.super.gatherRowsInPlace(table, rows, out);
    }

    @Override
    public void scatterAddRowsInPlace(Tensor table, int[] rows, Tensor values) {
        if (onDevice(table, rows, "scatterAddRows table") && live(values, "scatterAddRows values")
                && values.shape().equals(Shape.matrix(rows.length, table.shape().dim(1)))
                && own(values, "scatterAddRows values").storage != own(table, "scatterAddRows table").storage) {
            synchronized (this) {
                rearrangements.scatterAddRows(own(table, "scatterAddRows table").storage, rows, table.shape().dim(1),
                        own(values, "scatterAddRows values").storage);
            }
            return;
        }
        HeapTensor v = read(values, "scatterAddRows values");
        host.scatterAddRowsInPlace(host(table, "scatterAddRows table", Use.WRITE), rows, v);
    }

    @Override
    public void im2colInPlace(Tensor images, ImageWindow window, Tensor patches) {
        if (windowOnDevice(images, window.imageShape(), patches, window.patchShape())) {
            synchronized (this) {
                windows.im2col(own(images, "im2col images").storage, window, own(patches, "im2col patches").storage);
            }
            return;
        }
        Backend.super.im2colInPlace(images, window, patches);
    }

    @Override
    public void col2imAddInPlace(Tensor patches, ImageWindow window, Tensor images) {
        if (windowOnDevice(patches, window.patchShape(), images, window.imageShape())) {
            synchronized (this) {
                windows.col2imAdd(own(patches, "col2im patches").storage, window, own(images, "col2im images").storage);
            }
            return;
        }
        Backend.super.col2imAddInPlace(patches, window, images);
    }

    @Override
    public void maxPoolInPlace(Tensor images, ImageWindow window, Tensor out) {
        if (windowOnDevice(images, window.imageShape(), out, window.pooledShape())) {
            synchronized (this) {
                windows.maxPool(own(images, "maxPool images").storage, window, own(out, "maxPool output").storage);
            }
            return;
        }
        Backend.super.maxPoolInPlace(images, window, out);
    }

    @Override
    public void imageToTilesInPlace(Tensor images, ImageTiles grid, float[] transform, Tensor out) {
        TileTransforms.checkImageToTiles(images, grid, transform, out);
        if (windowOnDevice(images, images.shape(), out, out.shape())) {
            synchronized (this) {
                tiles.imageToTiles(own(images, "imageToTiles images").storage, grid, transform,
                        own(out, "imageToTiles tiles").storage);
            }
            return;
        }
        Backend.super.imageToTilesInPlace(images, grid, transform, out);
    }

    @Override
    public void tilesToImageAddInPlace(Tensor in, ImageTiles grid, float[] transform, Tensor images) {
        TileTransforms.checkTilesToImage(in, grid, transform, images);
        if (windowOnDevice(in, in.shape(), images, images.shape())) {
            synchronized (this) {
                tiles.tilesToImageAdd(own(in, "tilesToImageAdd tiles").storage, grid, transform,
                        own(images, "tilesToImageAdd images").storage);
            }
            return;
        }
        Backend.super.tilesToImageAddInPlace(in, grid, transform, images);
    }

    /**
     * Whether a window or tile primitive from {@code images} into {@code out} runs as one device task: with
     * device primitives, over open tensors of this backend of the window's shapes, in two memories;
     * else the {@code Backend} default runs (reporting a wrong shape, and composing device primitives).
     */
    private boolean windowOnDevice(Tensor images, Shape imageShape, Tensor out, Shape outShape) {
        return windows != null && images.shape().equals(imageShape) && out.shape().equals(outShape)
                && live(images, "window images") && live(out, "window output")
                && own(images, "window images").storage != own(out, "window output").storage;
    }

    /**
     * Whether a gather of {@code rows} of {@code table} runs on the device: as {@link #onDevice}
     * says, and only where a device task wrote the table's current data or the gathered block is no
     * smaller than the table. A device task copies in a table it only reads at every run, so
     * gathering a batch from a table only the host holds (a data set) on the device would copy the
     * whole table in at every step, where the host's gather moves the block alone, at its next
     * device use.
     */
    private boolean gatherOnDevice(Tensor table, int[] rows) {
        if (!onDevice(table, rows, "gatherRows table")) {
            return false;
        }
        synchronized (this) {
            return own(table, "gatherRows table").storage.deviceOnly()
                    || (long) rows.length * table.shape().dim(1) >= table.shape().size();
        }
    }

    /**
     * Whether rows {@code rows} of {@code table} go to the device: with device primitives, an open
     * matrix with elements and at most {@value DeviceRearrangements#MAX_EXACT} rows (its indices
     * exact as floats), and at least one row index, all inside it; the host's loop takes the rest,
     * reporting a bad index or shape with its message before anything is written.
     */
    private boolean onDevice(Tensor table, int[] rows, String what) {
        if (rearrangements == null || !live(table, what) || table.shape().rank() != 2 || rows.length == 0
                || table.shape().dim(0) > DeviceRearrangements.MAX_EXACT) {
            return false;
        }
        for (int r : rows) {
            if (r < 0 || r >= table.shape().dim(0)) {
                return false;
            }
        }
        return true;
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
                reductions.close();
                rearrangements.close();
                windows.close();
                tiles.close();
            }
        }
    }
}
