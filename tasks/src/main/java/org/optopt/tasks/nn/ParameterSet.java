package org.optopt.tasks.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

/**
 * The trainable tensors of a model, in creation order, each with a gradient buffer. The set owns
 * its tensors and closes them in {@link #close()}.
 */
public final class ParameterSet implements AutoCloseable {
    private final Backend backend;
    private final Map<String, NamedParameter> byName = new LinkedHashMap<>();

    /** An empty set whose tensors live on {@code backend}. */
    public ParameterSet(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The backend of the parameters. */
    public Backend backend() {
        return backend;
    }

    /**
     * Adds a parameter holding {@code value} (the set takes ownership) with a zero gradient.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    public NamedParameter add(String name, Tensor value) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("Duplicate parameter name '" + name + "'");
        }
        NamedParameter p = new NamedParameter(name, value, backend.zeros(value.shape()));
        byName.put(name, p);
        return p;
    }

    /** The parameters in creation order. */
    public List<NamedParameter> list() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    /**
     * The parameter named {@code name}.
     *
     * @throws IllegalArgumentException if there is none, listing the known names
     */
    public NamedParameter get(String name) {
        NamedParameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("No parameter '" + name + "'; parameters are " + byName.keySet());
        }
        return p;
    }

    /** Total number of scalar parameters. */
    public long size() {
        long n = 0;
        for (NamedParameter p : byName.values()) {
            n += p.value().size();
        }
        return n;
    }

    /** Sets every gradient to zero. */
    public void zeroGrads() {
        for (NamedParameter p : byName.values()) {
            backend.fillInPlace(p.grad(), 0f);
        }
    }

    /** {@code p} as a trainable leaf of {@code tape} whose gradient accumulates into {@code p.grad()}. */
    public static Var bind(Tape tape, NamedParameter p) {
        return tape.parameter(p.value(), p.grad());
    }

    /** Closes every value and gradient tensor. */
    @Override
    public void close() {
        for (NamedParameter p : byName.values()) {
            p.value().close();
            p.grad().close();
        }
    }
}
