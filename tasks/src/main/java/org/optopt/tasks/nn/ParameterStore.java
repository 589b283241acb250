package org.optopt.tasks.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

/**
 * The trainable tensors of a model, in creation order, each an {@link Parameter} with a gradient
 * buffer. The store owns its tensors and closes them in {@link #close()}; optimizers see them as one
 * group through {@link #asParameterSet()}.
 */
public final class ParameterStore implements AutoCloseable {
    private final Backend backend;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private ParameterSet asSet;

    /** An empty store whose tensors live on {@code backend}. */
    public ParameterStore(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The backend of the parameters. */
    public Backend backend() {
        return backend;
    }

    /**
     * Adds a parameter holding {@code value} (the store takes ownership) with a zero gradient.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    public Parameter add(String name, Tensor value) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("Duplicate parameter name '" + name + "'");
        }
        Parameter p = new Parameter(name, value, backend.zeros(value.shape()));
        byName.put(name, p);
        return p;
    }

    /** The parameters in creation order. */
    public List<Parameter> list() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    /**
     * The parameter named {@code name}.
     *
     * @throws IllegalArgumentException if there is none, listing the known names
     */
    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("No parameter '" + name + "'; parameters are " + byName.keySet());
        }
        return p;
    }

    /** The parameters as the single group {@value ParameterSet#DEFAULT_GROUP} (cached once complete). */
    public ParameterSet asParameterSet() {
        if (asSet == null || asSet.parameters().size() != byName.size()) {
            asSet = ParameterSet.of(list());
        }
        return asSet;
    }

    /** Total number of scalar parameters. */
    public long size() {
        long n = 0;
        for (Parameter p : byName.values()) {
            n += p.value().size();
        }
        return n;
    }

    /** Sets every gradient to zero. */
    public void zeroGrads() {
        for (Parameter p : byName.values()) {
            backend.fillInPlace(p.gradient(), 0f);
        }
    }

    /** {@code p} as a trainable leaf of {@code tape} whose gradient accumulates into {@code p.gradient()}. */
    public static Var bind(Tape tape, Parameter p) {
        return tape.parameter(p.value(), p.gradient());
    }

    /** Closes every value and gradient tensor. */
    @Override
    public void close() {
        for (Parameter p : byName.values()) {
            p.value().close();
            p.gradient().close();
        }
    }
}
