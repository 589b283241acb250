package org.optopt.optimizers.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.tensor.Tensor;

/**
 * A host copy of one parameter's optimizer state: its scalar state (the step count
 * {@code t} first, then e.g. a rule's scalar states) and its state buffers, each by name in a
 * fixed order. In the layout: scalars {@code param/<parameter>/<name>}, tensors
 * ({@code <parameter>}, {@code <buffer>}), under the node of their owner.
 *
 * @param scalars the scalar state by name
 * @param buffers the buffers' elements by name (not copied)
 */
public record SlotState(Map<String, Double> scalars, Map<String, float[]> buffers) {
    /** Copies the maps, keeping their order. */
    public SlotState {
        scalars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
        buffers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
    }

    /** A host copy of live {@code buffers} and {@code scalars}. */
    public static SlotState of(Map<String, Tensor> buffers, Map<String, Double> scalars) {
        Map<String, float[]> copies = new LinkedHashMap<>();
        buffers.forEach((name, t) -> copies.put(name, t.toArray()));
        return new SlotState(scalars, copies);
    }

    /** Writes the live state of parameter {@code parameter} into {@code w}. */
    public static void write(StateWriter w, String parameter, Map<String, Tensor> buffers, Map<String, Double> scalars) {
        buffers.forEach((name, t) -> w.tensor(parameter, name, t));
        scalars.forEach((name, v) -> w.scalar(key(parameter, name), v));
    }

    /**
     * Reads the state of parameter {@code parameter} with the buffers (shapes) of {@code live} and
     * the scalar names of {@code scalars}.
     */
    public static SlotState read(StateReader r, String parameter, Map<String, Tensor> live, Iterable<String> scalars) {
        Map<String, float[]> buffers = new LinkedHashMap<>();
        live.forEach((name, t) -> buffers.put(name, r.tensor(parameter, name, t.shape())));
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : scalars) {
            values.put(name, r.scalar(key(parameter, name), "scalar " + name + " of parameter " + parameter));
        }
        return new SlotState(values, buffers);
    }

    /** Copies the buffers into the live tensors {@code live} (same names and shapes). */
    public void restoreBuffers(Map<String, Tensor> live) {
        live.forEach((name, t) -> t.copyFrom(buffers.get(name)));
    }

    private static String key(String parameter, String name) {
        return "param/" + parameter + "/" + name;
    }
}
