package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;

/**
 * An elementwise optimizer's update rule as data: one {@link Kernel} plus the roles of its names.
 *
 * <p>The kernel reads the parameter buffer {@value #PARAMETER} and the gradient buffer
 * {@value #GRADIENT}, reads and writes the {@link #stateBuffers()}, and stores the new parameter
 * into {@value #PARAMETER}. Its scalars are hyperparameters (by their names), the step count
 * {@value #STEP} (1 on the first step) and the {@link #scalarStates()}. A hypergradient tower gets
 * {@code d p_new / d h} from {@code Derivative.of(kernel(), h, Map.of(PARAMETER, "dp_dh"), true)}
 * for each name in {@link #hyperparameterScalars()}.
 *
 * @param kernel the update, compiled once per backend
 * @param stateBuffers the per-parameter state buffers and their initial values
 * @param scalarStates per-parameter scalar state kept on the host in double
 */
public record ElementwiseRule(Kernel kernel, List<StateBuffer> stateBuffers, List<ScalarState> scalarStates) {
    /** The parameter buffer's name. */
    public static final String PARAMETER = "p";
    /** The gradient buffer's name. */
    public static final String GRADIENT = "g";
    /** The step-count scalar's name; it is 1 during the first step. */
    public static final String STEP = "t";

    /**
     * A state buffer.
     *
     * @param name the buffer's name in the kernel
     * @param initial its initial value for every element: a uniform expression over the
     *     hyperparameters (e.g. {@code 0} or {@code initial_accumulator_value})
     */
    public record StateBuffer(String name, Expr initial) {
        /** Validates that the initial value is uniform. */
        public StateBuffer {
            Objects.requireNonNull(name, "name");
            if (!initial.isUniform()) {
                throw new IllegalArgumentException("Initial value of state buffer " + name + " must be uniform: " + initial);
            }
        }
    }

    /**
     * A scalar state: a kernel scalar whose value is carried from step to step on the host.
     *
     * @param name the scalar's name in the kernel
     * @param initial its value before the first step
     * @param next its value after a step, a uniform expression over the step's scalars (including
     *     its own previous value and {@value #STEP}), evaluated in double
     */
    public record ScalarState(String name, double initial, Expr next) {
        /** Validates that the update is uniform. */
        public ScalarState {
            Objects.requireNonNull(name, "name");
            if (!next.isUniform()) {
                throw new IllegalArgumentException("Update of scalar state " + name + " must be uniform: " + next);
            }
        }
    }

    /** Validates the roles against the kernel. */
    public ElementwiseRule {
        Objects.requireNonNull(kernel, "kernel");
        stateBuffers = List.copyOf(stateBuffers);
        scalarStates = List.copyOf(scalarStates);
        if (!kernel.storedBuffers().contains(PARAMETER)) {
            throw new IllegalArgumentException("Rule " + kernel.name() + " does not store parameter buffer " + PARAMETER);
        }
        if (kernel.storedBuffers().contains(GRADIENT)) {
            throw new IllegalArgumentException("Rule " + kernel.name() + " must not write the gradient buffer");
        }
        List<String> expected = new ArrayList<>(List.of(PARAMETER, GRADIENT));
        stateBuffers.forEach(s -> expected.add(s.name()));
        for (String b : kernel.buffers()) {
            if (!expected.contains(b)) {
                throw new IllegalArgumentException("Rule " + kernel.name() + ": buffer " + b + " has no role");
            }
        }
    }

    /** The kernel scalars that are hyperparameters: all but {@value #STEP} and the scalar states. */
    public List<String> hyperparameterScalars() {
        List<String> out = new ArrayList<>(kernel.scalars());
        out.remove(STEP);
        scalarStates.forEach(s -> out.remove(s.name()));
        return out;
    }

    /** The names of the state buffers. */
    public List<String> stateBufferNames() {
        return stateBuffers.stream().map(StateBuffer::name).toList();
    }
}
