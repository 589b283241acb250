package org.optopt.tasks.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A reverse-mode automatic-differentiation tape over the primitives of one {@link Backend}.
 *
 * <p>Operations ({@link Elementwise}, {@link Linalg}, {@link Sums}, {@link Shapes}, {@link Losses},
 * {@link Conv}) compute their value eagerly and, when an input requires a gradient, record a
 * backward step. {@link #backward(Var)} runs the steps in reverse order and accumulates
 * {@code d target / d v} into the gradient of every {@link Var} {@code v} on the path: into the
 * caller's tensor for {@linkplain #parameter parameters} (it is added to, so zero it first; a
 * {@linkplain #Tape(Backend, Map) routed} one is overwritten), into
 * tape-owned tensors otherwise.
 *
 * <p>Memory: intermediate tensors are owned by the tape. {@link #reset()} ends a step: tensors
 * written by in-place primitives return to a pool keyed by shape and are reused by the next step
 * of the same shapes (no allocation in steady state); tensors that a primitive had to allocate
 * are closed. {@link #close()} closes everything. A tape is not thread-safe.
 */
public final class Tape implements AutoCloseable {
    /** One recorded backward step: reads the output's gradient and accumulates into the inputs'. */
    @FunctionalInterface
    interface Backward {
        void run(Tensor outputGrad);
    }

    private record Node(Var output, Backward backward) {}

    private final Backend backend;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Shape, ArrayDeque<Tensor>> free = new HashMap<>();
    private final List<Tensor> leased = new ArrayList<>();
    private final List<Tensor> owned = new ArrayList<>();
    private final Map<Kernel, CompiledKernel> kernels = new HashMap<>();
    private final Map<Object, Object> memo = new HashMap<>();
    private final List<Tensor> persistent = new ArrayList<>();
    private final Map<Tensor, Tensor> gradientRoutes;
    /** During {@link #backward}, the routed gradients that no contribution has written yet. */
    private final Set<Tensor> unwritten = Collections.newSetFromMap(new IdentityHashMap<>());
    private long generation;
    private boolean closed;

    /** A tape recording operations of {@code backend}. */
    public Tape(Backend backend) {
        this(backend, Map.of());
    }

    /**
     * A tape whose {@linkplain #parameter parameters} send their gradients elsewhere: a parameter
     * bound with a gradient tensor that is a key of {@code gradientRoutes} (compared by identity)
     * accumulates into the tensor it maps to, of the same shape, instead. A model binds its
     * parameters to their own gradients as always; the tape of one shard of a data-parallel step
     * routes them to that shard's buffers, so that shards on several threads never write the same
     * tensor. The caller keeps owning every tensor of the map.
     *
     * <p>Unlike a parameter's own gradient, a routed one is <em>overwritten</em> by each
     * {@link #backward}: it then holds the gradient of that backward pass alone (zeros where the
     * pass does not reach it), so nobody zeroes the buffers between steps. The pass's first
     * contribution to it writes rather than adds (as {@link #gradSink} does for the tape's own
     * gradients): on two cores, a zeroing pass and the read of zeros before the addition cost more
     * than the arithmetic (the buffers' cache lines were last held by the other core).
     *
     * @throws IllegalArgumentException if a tensor maps to one of another shape
     */
    public Tape(Backend backend, Map<Tensor, Tensor> gradientRoutes) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.gradientRoutes = new IdentityHashMap<>(gradientRoutes);
        this.gradientRoutes.forEach((from, to) -> {
            if (!from.shape().equals(to.shape())) {
                throw new IllegalArgumentException("Tape: a gradient of shape " + from.shape()
                        + " is routed to a tensor of shape " + to.shape());
            }
        });
    }

    /** The backend every value of this tape lives on. */
    public Backend backend() {
        return backend;
    }

    /** A value without gradient; the tape neither records nor closes it. */
    public Var constant(Tensor value) {
        checkOpen();
        return new Var(this, Objects.requireNonNull(value, "constant value"), false, null, generation);
    }

    /**
     * A trainable leaf: gradients reaching it are added to {@code grad}, a tensor of the same shape
     * owned by the caller (as is {@code value}), or written into the tensor this tape routes
     * {@code grad} to (see {@link #Tape(Backend, Map)}).
     */
    public Var parameter(Tensor value, Tensor grad) {
        checkOpen();
        Objects.requireNonNull(value, "parameter value");
        Objects.requireNonNull(grad, "parameter gradient");
        if (!value.shape().equals(grad.shape())) {
            throw new IllegalArgumentException(
                    "parameter: value shape " + value.shape() + " differs from gradient shape " + grad.shape());
        }
        return new Var(this, value, true, gradientRoutes.getOrDefault(grad, grad), generation);
    }

    /** A constant of zeros owned by the tape (valid until the next reset). */
    public Var zeros(Shape shape) {
        checkOpen();
        return new Var(this, leaseZeros(shape), false, null, generation);
    }

    /**
     * A leaf that requires a gradient kept by the tape (read it with {@link Var#grad()} after
     * {@link #backward}); {@code value} stays owned by the caller.
     */
    public Var variable(Tensor value) {
        checkOpen();
        return new Var(this, Objects.requireNonNull(value, "variable value"), true, null, generation);
    }

    /**
     * Back-propagates from {@code target}, a value of one element, seeding its gradient with 1.
     *
     * @throws IllegalArgumentException if the target has more than one element or needs no gradient
     */
    public void backward(Var target) {
        checkCurrent(target);
        if (target.shape().size() != 1) {
            throw new IllegalArgumentException("backward: the target must have one element, not shape " + target.shape());
        }
        if (!target.requiresGrad()) {
            throw new IllegalArgumentException("backward: the target depends on no parameter or variable");
        }
        unwritten.addAll(gradientRoutes.values());
        backend.fillInPlace(gradOf(target), 1f);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            Tensor g = n.output().rawGrad();
            if (g != null) {
                n.backward().run(g);
            }
        }
        unwritten.forEach(g -> backend.fillInPlace(g, 0f)); // routed gradients the pass did not reach
        unwritten.clear();
    }

    /**
     * Ends a step: forgets the recorded operations, returns pooled tensors for reuse and closes the
     * tensors primitives allocated. Every {@link Var} of the step becomes unusable.
     */
    public void reset() {
        checkOpen();
        nodes.clear();
        for (Tensor t : leased) {
            free.computeIfAbsent(t.shape(), s -> new ArrayDeque<>()).push(t);
        }
        leased.clear();
        owned.forEach(Tensor::close);
        owned.clear();
        generation++;
    }

    /** Closes every tensor the tape owns (pooled, allocated and cached); the tape is unusable afterwards. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        reset();
        free.values().forEach(q -> q.forEach(Tensor::close));
        free.clear();
        persistent.forEach(Tensor::close);
        persistent.clear();
        closed = true;
    }

    /** Number of tensors currently held by the tape (pooled, in use and cached), for leak checks. */
    public int heldTensors() {
        int n = leased.size() + owned.size() + persistent.size();
        for (ArrayDeque<Tensor> q : free.values()) {
            n += q.size();
        }
        return n;
    }

    // ---- for the operations of this package ---------------------------------------------------

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The tape is closed");
        }
    }

    void checkCurrent(Var v) {
        Objects.requireNonNull(v, "var");
        if (v.tape() != this) {
            throw new IllegalArgumentException(v + " belongs to another tape");
        }
        checkOpen();
        if (v.generation() != generation) {
            throw new IllegalStateException(v + " was recorded before the tape was reset and is no longer valid");
        }
    }

    /** A tape-owned tensor of {@code shape} with unspecified contents, reused across steps. */
    Tensor lease(Shape shape) {
        ArrayDeque<Tensor> q = free.get(shape);
        Tensor t = q == null || q.isEmpty() ? backend.zeros(shape) : q.pop();
        leased.add(t);
        return t;
    }

    /** A tape-owned tensor of zeros, reused across steps. */
    Tensor leaseZeros(Shape shape) {
        Tensor t = lease(shape);
        backend.fillInPlace(t, 0f);
        return t;
    }

    /** Takes ownership of a tensor a primitive allocated; it is closed at the next reset. */
    Tensor own(Tensor t) {
        owned.add(t);
        return t;
    }

    /** A view of {@code t} with another shape, closed at the next reset. */
    Tensor view(Tensor t, Shape shape) {
        return t.shape().equals(shape) ? t : own(backend.reshape(t, shape));
    }

    /**
     * A value computed once per tape and kept across resets (index maps, constant tensors). Tensors
     * among memoized values must be registered with {@link #persist}.
     */
    @SuppressWarnings("unchecked")
    <K, V> V memo(K key, Function<K, V> compute) {
        Object v = memo.get(key);
        if (v == null) {
            v = compute.apply(key);
            memo.put(key, v);
        }
        return (V) v;
    }

    /** Keeps {@code t} until the tape is closed. */
    Tensor persist(Tensor t) {
        persistent.add(t);
        return t;
    }

    /** {@code n} zeros: the row indices that repeat a one-row table n times ({@link Backend#gatherRowsInPlace}). */
    int[] zeroRows(int n) {
        return memo(new ZeroRowsKey(n), k -> new int[k.n()]);
    }

    private record ZeroRowsKey(int n) {}

    /** {@code kernel} compiled for this tape's backend (once). */
    CompiledKernel compiled(Kernel kernel) {
        return kernels.computeIfAbsent(kernel, backend::compile);
    }

    /**
     * Runs {@code kernel} once. {@code bindings} alternates names and values: a {@link Tensor} binds a
     * buffer, a {@link Number} a scalar; names the kernel does not use are skipped.
     */
    void run(Kernel kernel, Object... bindings) {
        CompiledKernel ck = compiled(kernel);
        org.optopt.api.backend.KernelArgs args = ck.args();
        for (int i = 0; i < bindings.length; i += 2) {
            String name = (String) bindings[i];
            Object v = bindings[i + 1];
            if (v instanceof Tensor t) {
                if (kernel.bufferIndex(name) >= 0) {
                    args.buffer(name, t);
                }
            } else if (kernel.scalarIndex(name) >= 0) {
                args.scalar(name, ((Number) v).doubleValue());
            }
        }
        ck.run(args);
    }

    /**
     * The gradient tensor of {@code v}, to add to: created as zeros on first use (a routed gradient
     * not yet written by this backward pass is zeroed); null if v needs no gradient.
     */
    Tensor gradOf(Var v) {
        if (!v.requiresGrad()) {
            return null;
        }
        Tensor g = v.rawGrad();
        if (g == null) {
            g = leaseZeros(v.shape());
            v.setGrad(g);
        } else if (firstWrite(g)) {
            backend.fillInPlace(g, 0f);
        }
        return g;
    }

    /**
     * Whether {@code g} is a routed gradient that this backward pass has not written yet; from now
     * on it counts as written.
     */
    private boolean firstWrite(Tensor g) {
        return !unwritten.isEmpty() && unwritten.remove(g);
    }

    /**
     * Where a contribution to v's gradient goes: on first use a pooled tensor with unspecified
     * contents, which the contribution overwrites ({@code beta = 0}), afterwards the accumulated
     * gradient ({@code beta = 1}); this spares zero-filling and re-reading large gradients (the
     * patch matrix of a convolution). The same for a routed gradient (see {@link #Tape(Backend, Map)})
     * that this backward pass has not written yet. Null if v needs no gradient.
     */
    GradSink gradSink(Var v) {
        if (!v.requiresGrad()) {
            return null;
        }
        Tensor g = v.rawGrad();
        if (g != null) {
            return new GradSink(g, firstWrite(g) ? 0f : 1f);
        }
        g = lease(v.shape());
        v.setGrad(g);
        return new GradSink(g, 0f);
    }

    /** A gradient tensor and the factor its old contents keep when a contribution is written. */
    record GradSink(Tensor tensor, float beta) {}

    /**
     * Makes {@code g} (a gradient of v's shape or another of the same size, no longer read by
     * anyone) the gradient of v, as a view, if v has none yet; otherwise adds it. Spares a
     * zero-fill and a copy for reshapes and for freshly gathered row blocks.
     */
    void adoptGradient(Var v, Tensor g) {
        if (v.requiresGrad() && v.rawGrad() == null) {
            v.setGrad(view(g, v.shape()));
        } else {
            accumulate(v, view(g, v.shape()));
        }
    }

    /**
     * A new result: requires a gradient if any input does, in which case {@code backward} is
     * recorded for it.
     */
    Var result(Tensor value, Backward backward, Var... inputs) {
        boolean requires = false;
        for (Var in : inputs) {
            checkCurrent(in);
            requires |= in.requiresGrad();
        }
        Var out = new Var(this, value, requires, null, generation);
        if (requires) {
            nodes.add(new Node(out, backward));
        }
        return out;
    }

    /**
     * Adds {@code contribution} (of v's shape) to v's gradient, if v needs one (copies it into a
     * routed gradient that this backward pass has not written yet).
     */
    void accumulate(Var v, Tensor contribution) {
        Tensor g = v.rawGrad();
        if (g != null && firstWrite(g)) {
            backend.copyInPlace(contribution, g);
            return;
        }
        g = gradOf(v);
        if (g != null) {
            backend.axpyInPlace(1f, contribution, g);
        }
    }
}
