package org.optopt.optimizers.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;

/**
 * Writes the nested state layout of an optimizer into the flat maps of a {@link StateDict}: a
 * writer is a node of the tree; {@link #child} opens a sub-node whose keys (and whose tensors'
 * buffer names) carry the prefix {@code <name>/}, as a tower writes level k under {@code L<k>/}.
 * {@link StateReader} reads the same tree back. The root records {@link #LAYOUT} = {@value #VERSION}.
 */
public final class StateWriter {
    /** The option recording the layout version. */
    public static final String LAYOUT = "layout";
    /** The layout this build writes: version 1 had no {@link #LAYOUT} key (plain optimizers' keys are unchanged). */
    public static final int VERSION = 2;
    /** The scalar holding an embedded state's step count (see {@link #embed}). */
    static final String STEPS = "#steps";
    /** The scalar holding an embedded state's skipped-step count. */
    static final String SKIPPED = "#skipped";
    /** The option holding an embedded state's optimizer name. */
    static final String OPTIMIZER = "#optimizer";

    private final String prefix;
    private final Map<String, String> options;
    private final Map<String, Double> scalars;
    private final List<StateDict.StateTensor> tensors;

    private StateWriter(String prefix, Map<String, String> options, Map<String, Double> scalars,
                        List<StateDict.StateTensor> tensors) {
        this.prefix = prefix;
        this.options = options;
        this.scalars = scalars;
        this.tensors = tensors;
    }

    /** The root of a new state, with its layout version recorded. */
    public static StateWriter root() {
        StateWriter w = new StateWriter("", new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
        w.option(LAYOUT, Integer.toString(VERSION));
        return w;
    }

    /** The sub-node {@code name}: its keys are prefixed {@code <name>/}. */
    public StateWriter child(String name) {
        return new StateWriter(prefix + name + "/", options, scalars, tensors);
    }

    /** Writes the text entry {@code key}. */
    public void option(String key, String value) {
        options.put(prefix + key, value);
    }

    /** Writes the real entry {@code key}. */
    public void scalar(String key, double value) {
        scalars.put(prefix + key, value);
    }

    /** Writes a host copy of {@code t} as buffer {@code buffer} of parameter {@code parameter}. */
    public void tensor(String parameter, String buffer, Tensor t) {
        tensors.add(new StateDict.StateTensor(parameter, prefix + buffer, t.shape(), t.toArray()));
    }

    /** Writes the complete state of another optimizer (e.g. a tower level's direction source) into this node. */
    public void embed(StateDict inner) {
        inner.options().forEach(this::option);
        inner.scalars().forEach(this::scalar);
        inner.tensors().forEach(t -> tensors.add(new StateDict.StateTensor(t.parameter(), prefix + t.buffer(),
                t.shape(), t.data())));
        scalar(STEPS, inner.stepCount());
        scalar(SKIPPED, inner.skippedSteps());
        option(OPTIMIZER, inner.optimizer());
    }

    /** The state written so far, of optimizer {@code optimizer} over {@code parameters}. */
    public StateDict build(String optimizer, ParameterSet parameters, long steps, long skipped) {
        List<StateDict.ParameterShape> shapes = parameters.parameters().stream()
                .map(p -> new StateDict.ParameterShape(p.name(), p.value().shape())).toList();
        return new StateDict(optimizer, shapes, steps, skipped, options, scalars, tensors);
    }
}
