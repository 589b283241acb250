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
 * <p>A rule whose update needs per-tensor reductions (a norm, a dot product) states them as
 * {@link #passes()}: kernels that only reduce, run in order over the same buffers before the
 * update; each reduction's result is a scalar of the later passes and of the update kernel
 * (constant with respect to the hyperparameters, which the passes do not read). A non-finite
 * pass result fails the step before anything changes (the non-finite policy applies). The
 * {@link #norms()} are pass reductions that sum squares; optimizers report their root over all
 * parameters in per-step traces.
 *
 * @param kernel the update, compiled once per backend
 * @param stateBuffers the per-parameter state buffers and their initial values
 * @param scalarStates per-parameter scalar state kept on the host in double
 * @param passes reduction-only kernels run before the update, in order
 * @param norms names of pass reductions that are squared norms, reported by their root
 */
public record ElementwiseRule(Kernel kernel, List<StateBuffer> stateBuffers, List<ScalarState> scalarStates,
                              List<Kernel> passes, List<String> norms) {
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

    /** A rule without passes. */
    public ElementwiseRule(Kernel kernel, List<StateBuffer> stateBuffers, List<ScalarState> scalarStates) {
        this(kernel, stateBuffers, scalarStates, List.of(), List.of());
    }

    /** Validates the roles against the kernels. */
    public ElementwiseRule {
        Objects.requireNonNull(kernel, "kernel");
        stateBuffers = List.copyOf(stateBuffers);
        scalarStates = List.copyOf(scalarStates);
        passes = List.copyOf(passes);
        norms = List.copyOf(norms);
        if (!kernel.storedBuffers().contains(PARAMETER)) {
            throw new IllegalArgumentException("Rule " + kernel.name() + " does not store parameter buffer " + PARAMETER);
        }
        if (kernel.storedBuffers().contains(GRADIENT)) {
            throw new IllegalArgumentException("Rule " + kernel.name() + " must not write the gradient buffer");
        }
        List<String> expected = new ArrayList<>(List.of(PARAMETER, GRADIENT));
        stateBuffers.forEach(s -> expected.add(s.name()));
        requireRoles(kernel, expected);
        List<String> results = new ArrayList<>();
        for (Kernel pass : passes) {
            if (!pass.storedBuffers().isEmpty()) {
                throw new IllegalArgumentException("Pass " + pass.name() + " of rule " + kernel.name()
                        + " stores " + pass.storedBuffers() + "; passes only reduce");
            }
            requireRoles(pass, expected);
            for (String s : pass.scalars()) {
                if (!results.contains(s)) {
                    throw new IllegalArgumentException("Pass " + pass.name() + " of rule " + kernel.name()
                            + " reads scalar " + s + ", not a result of an earlier pass");
                }
            }
            for (String r : pass.reductions()) {
                if (results.contains(r) || kernel.storedBuffers().contains(r)) {
                    throw new IllegalArgumentException("Rule " + kernel.name() + ": pass result " + r + " is defined twice");
                }
                results.add(r);
            }
        }
        for (String n : norms) {
            if (!results.contains(n)) {
                throw new IllegalArgumentException("Rule " + kernel.name() + ": norm " + n + " is not a pass result "
                        + results);
            }
        }
    }

    private static void requireRoles(Kernel k, List<String> expected) {
        for (String b : k.buffers()) {
            if (!expected.contains(b)) {
                throw new IllegalArgumentException("Rule " + k.name() + ": buffer " + b + " has no role");
            }
        }
    }

    /** The names of the passes' reductions, in order: scalars of the update kernel that are not hyperparameters. */
    public List<String> passResults() {
        List<String> out = new ArrayList<>();
        passes.forEach(k -> out.addAll(k.reductions()));
        return out;
    }

    /** The passes and the update kernel as text, in the order they run. */
    public String listing() {
        StringBuilder sb = new StringBuilder();
        passes.forEach(sb::append);
        return sb.append(kernel).toString();
    }

    /** The kernel scalars that are hyperparameters: all but {@value #STEP}, the scalar states and the pass results. */
    public List<String> hyperparameterScalars() {
        List<String> out = new ArrayList<>(kernel.scalars());
        out.remove(STEP);
        scalarStates.forEach(s -> out.remove(s.name()));
        out.removeAll(passResults());
        return out;
    }

    /** The names of the state buffers. */
    public List<String> stateBufferNames() {
        return stateBuffers.stream().map(StateBuffer::name).toList();
    }
}
