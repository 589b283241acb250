package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Tensor;

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
 * @param averaged for an optimizer that evaluates at other values than it trains at
 *     (Schedule-Free), how to compute both from the state; empty for the others
 * @param passes reduction-only kernels run before the update, in order
 * @param norms names of pass reductions that are squared norms, reported by their root
 */
public record ElementwiseRule(Kernel kernel, List<StateBuffer> stateBuffers, List<ScalarState> scalarStates,
                              Optional<Averaged> averaged, List<Kernel> passes, List<String> norms) {
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
     *     hyperparameters (e.g. {@code 0} or {@code initial_accumulator_value}), or the parameter
     *     buffer {@value #PARAMETER} itself (a copy of the initial parameter, as Schedule-Free's z and x)
     */
    public record StateBuffer(String name, Expr initial) {
        /** Validates that the initial value is uniform or the parameter. */
        public StateBuffer {
            Objects.requireNonNull(name, "name");
            if (!initial.isUniform() && !initial.equals(Expr.buffer(PARAMETER))) {
                throw new IllegalArgumentException("Initial value of state buffer " + name
                        + " must be uniform or the parameter " + PARAMETER + ": " + initial);
            }
        }

        /** A new tensor holding this buffer's initial value for {@code parameter}, given the hyperparameters. */
        public Tensor allocate(Backend backend, Tensor parameter, Map<String, Double> hyperparameters) {
            return initial.isUniform()
                    ? backend.full(parameter.shape(), (float) Uniform.evaluate(initial, hyperparameters))
                    : backend.copy(parameter);
        }
    }

    /**
     * The two values of the parameters of an optimizer that trains at one point and evaluates at
     * another (see {@code Optimizer.evaluationView()}): each an elementwise expression of the state
     * buffers and the hyperparameters (not of the gradient or the parameter itself).
     *
     * @param evaluation the evaluation value, e.g. Schedule-Free's average {@code x}
     * @param training the training value, recomputed when the evaluation view closes; it must be the
     *     expression the kernel stores into the parameter last, so the restore is bit-exact
     */
    public record Averaged(Expr evaluation, Expr training) {
        /** Validates that neither reads the gradient or the parameter. */
        public Averaged {
            for (Expr e : List.of(evaluation, training)) {
                Kernel probe = Kernel.builder("probe").store("probe", e).build();
                if (probe.buffers().contains(GRADIENT) || probe.buffers().contains(PARAMETER)) {
                    throw new IllegalArgumentException("An averaged view must be computed from the state only: " + e);
                }
            }
        }
    }

    /** A rule without an averaged view or passes. */
    public ElementwiseRule(Kernel kernel, List<StateBuffer> stateBuffers, List<ScalarState> scalarStates) {
        this(kernel, stateBuffers, scalarStates, Optional.empty());
    }

    /** A rule without passes. */
    public ElementwiseRule(Kernel kernel, List<StateBuffer> stateBuffers, List<ScalarState> scalarStates,
                           Optional<Averaged> averaged) {
        this(kernel, stateBuffers, scalarStates, averaged, List.of(), List.of());
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

    /** Validates the roles against the kernels. */
    public ElementwiseRule {
        Objects.requireNonNull(kernel, "kernel");
        stateBuffers = List.copyOf(stateBuffers);
        scalarStates = List.copyOf(scalarStates);
        Objects.requireNonNull(averaged, "averaged");
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
