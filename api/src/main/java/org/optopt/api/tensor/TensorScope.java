package org.optopt.api.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * An arena for intermediate tensors: tensors {@linkplain #track(Tensor) tracked} by a scope are closed
 * when the scope closes, newest first, so that a computation need not close each temporary by hand.
 *
 * <pre>{@code
 * try (TensorScope scope = new TensorScope()) {
 *     Tensor h = scope.track(backend.matmul(x, w1));
 *     Tensor a = scope.track(backend.map(UnaryOp.TANH, h));
 *     logits = scope.keep(scope.track(backend.matmul(a, w2)));   // survives the scope
 * }                                                                // h and a are closed here
 * }</pre>
 * or, for a result computed from temporaries, {@link #compute(Function)}:
 * <pre>{@code
 * Tensor logits = TensorScope.compute(s -> s.track(backend.matmul(
 *         s.track(backend.map(UnaryOp.TANH, s.track(backend.matmul(x, w1)))), w2)));
 * }</pre>
 *
 * <p>Design choices: tracking is explicit (a scope wraps no backend, so it works with every backend and
 * every primitive, present and future); a tensor tracked twice is closed once; closing a tensor that the
 * caller already closed is harmless ({@link Tensor#close()} is idempotent); when a close fails, the
 * remaining tensors are still closed and the first failure is thrown with the others suppressed. A
 * scope is not thread-safe: it belongs to the thread that runs the computation.
 */
public final class TensorScope implements AutoCloseable {
    private final List<Tensor> tracked = new ArrayList<>();
    private final Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /** An empty, open scope. */
    public TensorScope() {}

    /**
     * Runs {@code body} in a fresh scope and returns its result, closing every other tensor the body
     * tracked. The result need not be tracked; if it is, it is kept.
     *
     * @throws RuntimeException whatever {@code body} throws, after the scope's tensors are closed
     */
    public static Tensor compute(Function<TensorScope, Tensor> body) {
        try (TensorScope scope = new TensorScope()) {
            return scope.keep(Objects.requireNonNull(body.apply(scope), "the scope's body returned null"));
        }
    }

    /**
     * Closes {@code tensor} when this scope closes, unless it is {@linkplain #keep kept}.
     *
     * @return {@code tensor}, for use in expressions
     * @throws IllegalStateException if this scope is closed
     */
    public <T extends Tensor> T track(T tensor) {
        Objects.requireNonNull(tensor, "tensor");
        requireOpen();
        tracked.add(tensor);
        return tensor;
    }

    /**
     * Lets {@code tensor} outlive this scope even if it was (or will be) tracked; the caller closes it.
     *
     * @return {@code tensor}
     * @throws IllegalStateException if this scope is closed
     */
    public <T extends Tensor> T keep(T tensor) {
        Objects.requireNonNull(tensor, "tensor");
        requireOpen();
        kept.add(tensor);
        return tensor;
    }

    /** How many tracked tensors this scope will close (tracked and not kept, each counted once). */
    public int size() {
        return toClose().size();
    }

    /** Closes every tracked tensor that is not kept, newest first; closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (Tensor tensor : toClose().reversed()) {
            try {
                tensor.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        tracked.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private List<Tensor> toClose() {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return tracked.stream().filter(t -> !kept.contains(t) && seen.add(t)).toList();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This TensorScope is closed");
        }
    }
}
