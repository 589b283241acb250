package org.optopt.optimizers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.runtime.SlotState;
import org.optopt.optimizers.runtime.StateReader;
import org.optopt.optimizers.runtime.StateWriter;

/**
 * An {@link ElementwiseRule} bound to parameters: per parameter its state buffers, its step count
 * {@value ElementwiseRule#STEP} and scalar states, its bound {@link ElementwiseRule#passes()} and
 * the bound arguments of the update kernel, compiled once. The one runtime under both a plain
 * {@code ElementwiseOptimizer} (which runs the rule's own kernel) and a tower level (which runs a
 * kernel derived from it that also writes {@code dp.h} buffers, see {@code HyperKernels}).
 *
 * <p>An update of one parameter binds the kernel's scalars from the given values, the step
 * number (1 on the first), the scalar states and the pass results; runs the kernel once (reads
 * {@code p}, {@code g} and the state, writes {@code p} and the state); then advances the step
 * count and the scalar states on the host, in double.
 */
public final class BoundRule implements AutoCloseable {
    private final ElementwiseRule rule;
    private final CompiledKernel update;
    private final RulePasses passes;
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    private static final class Slot {
        /** The buffers this rule owns and saves: its state buffers, then the extra buffers. */
        final Map<String, Tensor> buffers = new LinkedHashMap<>();
        final Map<String, Double> scalars = new LinkedHashMap<>();
        KernelArgs args;
        RulePasses.Bound passes;
        long step;
    }

    /**
     * Binds {@code rule} to every parameter of {@code parameters}.
     *
     * @param update the kernel each update runs: the rule's own, or one derived from it that reads
     *     the same names plus {@code extraBuffers} and further scalars
     * @param initialValues the hyperparameter values of a group, for the state buffers' initial values
     * @param extraBuffers buffers beyond the rule's state that each parameter gets, zero-initialized
     *     and saved with the state (a tower level's {@code dp.h})
     * @param external for a state buffer that something else provides (a tower level's direction),
     *     the live tensor of a (buffer, parameter), else null; such a buffer is neither owned nor saved
     */
    public BoundRule(Backend backend, ElementwiseRule rule, Kernel update, ParameterSet parameters,
                     Function<String, Map<String, Double>> initialValues, List<String> extraBuffers,
                     BiFunction<String, String, Tensor> external) {
        this.rule = rule;
        this.update = backend.compile(update);
        this.passes = new RulePasses(backend, rule);
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> hyper = initialValues.apply(g.name());
            for (Parameter p : g.parameters()) {
                slots.put(p.name(), slot(backend, p, hyper, extraBuffers, external));
            }
        }
    }

    private Slot slot(Backend backend, Parameter p, Map<String, Double> hyper, List<String> extraBuffers,
                      BiFunction<String, String, Tensor> external) {
        Slot s = new Slot();
        Map<String, Tensor> all = new LinkedHashMap<>();
        all.put(ElementwiseRule.PARAMETER, p.value());
        all.put(ElementwiseRule.GRADIENT, p.gradient());
        for (ElementwiseRule.StateBuffer b : rule.stateBuffers()) {
            Tensor provided = external.apply(b.name(), p.name());
            Tensor t = provided != null ? provided : b.allocate(backend, p.value(), hyper);
            if (provided == null) {
                s.buffers.put(b.name(), t);
            }
            all.put(b.name(), t);
        }
        s.passes = passes.bind(p.name(), all);
        for (String name : extraBuffers) {
            Tensor t = backend.zeros(p.value().shape());
            s.buffers.put(name, t);
            all.put(name, t);
        }
        s.args = update.args();
        all.forEach((name, t) -> {
            if (update.kernel().bufferIndex(name) >= 0) {
                s.args.buffer(name, t);
            }
        });
        for (ElementwiseRule.ScalarState st : rule.scalarStates()) {
            s.scalars.put(st.name(), st.initial());
        }
        return s;
    }

    /** The rule. */
    public ElementwiseRule rule() {
        return rule;
    }

    /** The update kernel each step runs. */
    public Kernel kernel() {
        return update.kernel();
    }

    private Slot slot(String parameter) {
        Slot s = slots.get(parameter);
        if (s == null) {
            throw new IllegalArgumentException("Unknown parameter " + parameter + "; parameters are " + slots.keySet());
        }
        return s;
    }

    /**
     * Runs the passes of every parameter of {@code group}, in order.
     *
     * @return null, or a one-line description of the first non-finite pass result (nothing has changed)
     */
    public String prepare(ParameterGroup group) {
        for (Parameter p : group.parameters()) {
            String problem = slot(p.name()).passes.run();
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * Applies one update to parameter {@code parameter}.
     *
     * @param values the hyperparameter values of its group as this step uses them
     * @param extra further scalars of a derived kernel (a tower level's raw hyperparameters)
     */
    public void update(String parameter, Map<String, Double> values, Map<String, Double> extra) {
        Slot s = slot(parameter);
        update(s, values, extra, update, s.args);
    }

    /**
     * Applies one update to parameter {@code parameter} as {@link #update(String, Map, Map)}, running
     * {@code kernel} instead: a kernel that holds the update kernel's statements and others that
     * name none of its buffers or scalars, with {@code args} binding everything of those others
     * (the update's own buffers bound by {@link #bindState}).
     *
     * @return the reductions of {@code kernel}
     */
    public Reductions update(String parameter, Map<String, Double> values, Map<String, Double> extra,
                             CompiledKernel kernel, KernelArgs args) {
        return update(slot(parameter), values, extra, kernel, args);
    }

    /** Binds the tensors of parameter {@code parameter} that the update kernel reads or writes into {@code args}. */
    public void bindState(String parameter, KernelArgs args) {
        Tensor[] bound = slot(parameter).args.tensors();
        for (int i = 0; i < bound.length; i++) {
            args.buffer(update.kernel().buffers().get(i), bound[i]);
        }
    }

    private Reductions update(Slot s, Map<String, Double> values, Map<String, Double> extra, CompiledKernel kernel,
                              KernelArgs args) {
        Map<String, Double> env = new LinkedHashMap<>(values);
        env.put(ElementwiseRule.STEP, (double) (s.step + 1));
        env.putAll(s.scalars);
        env.putAll(s.passes.results());
        env.putAll(extra);
        for (String name : update.kernel().scalars()) {
            args.scalar(name, env.get(name));
        }
        Reductions reductions = kernel.run(args);
        s.step++;
        for (ElementwiseRule.ScalarState st : rule.scalarStates()) {
            s.scalars.put(st.name(), Uniform.evaluate(st.next(), env));
        }
        return reductions;
    }

    /** The root over all parameters of each of the rule's {@link ElementwiseRule#norms()}, NaN before a first step. */
    public Map<String, Double> norms() {
        return passes.norms(slots.values().stream().map(s -> s.passes).toList());
    }

    /** The live buffers parameter {@code parameter} owns (state buffers, then extra buffers), by name. */
    public Map<String, Tensor> buffers(String parameter) {
        return java.util.Collections.unmodifiableMap(slot(parameter).buffers);
    }

    /**
     * The live buffer {@code buffer} of parameter {@code parameter}.
     *
     * @throws IllegalArgumentException on an unknown parameter or buffer
     */
    public Tensor buffer(String parameter, String buffer) {
        Tensor t = slots.containsKey(parameter) ? slots.get(parameter).buffers.get(buffer) : null;
        if (t == null) {
            throw new IllegalArgumentException("No state buffer " + buffer + " of parameter " + parameter
                    + "; buffers are " + rule.stateBufferNames());
        }
        return t;
    }

    /** The scalar state of parameter {@code parameter}: its step count {@value ElementwiseRule#STEP}, then the rule's scalar states. */
    public Map<String, Double> scalarState(String parameter) {
        Slot s = slot(parameter);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(ElementwiseRule.STEP, (double) s.step);
        out.putAll(s.scalars);
        return out;
    }

    /** Replaces the scalar state of {@code parameter}; the keys are those of {@link #scalarState}. */
    public void restoreScalarState(String parameter, Map<String, Double> state) {
        Slot s = slot(parameter);
        s.step = state.get(ElementwiseRule.STEP).longValue();
        s.scalars.replaceAll((k, old) -> state.get(k));
    }

    /** A host copy of parameter {@code parameter}'s state. */
    public SlotState state(String parameter) {
        return SlotState.of(buffers(parameter), scalarState(parameter));
    }

    /** Restores a {@link #state} of parameter {@code parameter}. */
    public void restore(String parameter, SlotState state) {
        state.restoreBuffers(slot(parameter).buffers);
        restoreScalarState(parameter, state.scalars());
    }

    /** Writes every parameter's state into node {@code w}. */
    public void write(StateWriter w) {
        slots.forEach((p, s) -> SlotState.write(w, p, s.buffers, scalarState(p)));
    }

    /** Reads every parameter's state written by {@link #write}; changes nothing. */
    public Map<String, SlotState> read(StateReader r) {
        Map<String, SlotState> out = new LinkedHashMap<>();
        slots.forEach((p, s) -> out.put(p, SlotState.read(r, p, s.buffers, scalarState(p).keySet())));
        return out;
    }

    /** Releases the owned buffers. */
    @Override
    public void close() {
        slots.values().forEach(s -> s.buffers.values().forEach(Tensor::close));
    }
}
