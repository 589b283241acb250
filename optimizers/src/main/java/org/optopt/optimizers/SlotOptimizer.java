package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;

/**
 * An optimizer that keeps one {@link Slot} per parameter: its named state tensors (saved and
 * loaded), its workspace tensors (released on close) and its step count {@value ElementwiseRule#STEP}.
 * Subclasses that are not one elementwise kernel (Muon, LAMB, Adafactor, Prodigy) create a slot per
 * parameter with {@link #addSlot} and implement the update.
 */
public abstract class SlotOptimizer extends BaseOptimizer {
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    /** One parameter's state. */
    protected static class Slot {
        /** The state tensors by name, in a fixed order. */
        protected final Map<String, Tensor> state = new LinkedHashMap<>();
        private final List<Tensor> workspace = new ArrayList<>();
        /** The steps this parameter has taken. */
        protected long step;

        /** Registers {@code t} as workspace (closed with the optimizer) and returns it. */
        protected final Tensor work(Tensor t) {
            workspace.add(t);
            return t;
        }

        /** Registers {@code t} as state tensor {@code name} and returns it. */
        protected final Tensor state(String name, Tensor t) {
            state.put(name, t);
            return t;
        }

        /** The scalar state, by name: the step count; subclasses may add more. */
        protected Map<String, Double> scalars() {
            Map<String, Double> out = new LinkedHashMap<>();
            out.put(ElementwiseRule.STEP, (double) step);
            return out;
        }

        /** Restores the scalar state; the keys are those of {@link #scalars()}. */
        protected void restore(Map<String, Double> scalars) {
            step = scalars.get(ElementwiseRule.STEP).longValue();
        }
    }

    /** Sets up the shared part (see {@link BaseOptimizer}). */
    protected SlotOptimizer(OptimizerDefinition definition, Backend backend, ParameterSet parameters,
                            OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
    }

    /**
     * Binds every scalar of {@code args}' kernel to its value in {@code values} and returns {@code args}.
     *
     * @throws IllegalArgumentException naming a scalar that has no value
     */
    protected static KernelArgs bind(KernelArgs args, Map<String, Double> values) {
        for (String name : args.kernel().scalars()) {
            Double v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("Kernel " + args.kernel().name() + " needs scalar " + name
                        + "; given " + values.keySet());
            }
            args.scalar(name, v);
        }
        return args;
    }

    /** {@code hyper} with the step number {@value ElementwiseRule#STEP} of {@code slot}'s next step (1 on the first). */
    protected static Map<String, Double> withStep(Map<String, Double> hyper, Slot slot) {
        Map<String, Double> out = new LinkedHashMap<>(hyper);
        out.put(ElementwiseRule.STEP, (double) (slot.step + 1));
        return out;
    }

    /** Counts one step taken by {@code slot}'s parameter. */
    protected static void advance(Slot slot) {
        slot.step++;
    }

    /** Makes {@code slot} the slot of {@code p}. */
    protected final void addSlot(Parameter p, Slot slot) {
        slots.put(p.name(), slot);
    }

    /**
     * The slot of parameter {@code parameter}.
     *
     * @throws IllegalArgumentException listing the parameters if there is none
     */
    protected final Slot slot(String parameter) {
        Slot s = slots.get(parameter);
        if (s == null) {
            throw new IllegalArgumentException("Unknown parameter " + parameter + "; parameters are " + slots.keySet());
        }
        return s;
    }

    /**
     * The live state buffer {@code buffer} of parameter {@code parameter}.
     *
     * @throws IllegalArgumentException on an unknown parameter or buffer
     */
    public final Tensor buffer(String parameter, String buffer) {
        Slot s = slot(parameter);
        if (!s.state.containsKey(buffer)) {
            throw new IllegalArgumentException("No state buffer " + buffer + " of parameter " + parameter
                    + "; buffers are " + s.state.keySet());
        }
        return s.state.get(buffer);
    }

    @Override
    protected final Map<String, Tensor> buffers(Parameter p) {
        return slot(p.name()).state;
    }

    @Override
    protected final Map<String, Double> scalarState(Parameter p) {
        return slot(p.name()).scalars();
    }

    @Override
    protected final void restoreScalarState(Parameter p, Map<String, Double> state) {
        slot(p.name()).restore(state);
    }

    @Override
    protected final void releaseWorkspace() {
        slots.values().forEach(s -> s.workspace.forEach(Tensor::close));
    }
}
