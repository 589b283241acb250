package org.optopt.optimizers.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;

/**
 * Reads the nested layout {@link StateWriter} wrote, strictly: every read names what is missing
 * or wrong in a one-line {@link IllegalArgumentException}, and {@link #requireEverythingRead()}
 * refuses a state holding entries nobody read (buffers, groups or schedules this optimizer does
 * not have). Reading changes nothing; callers apply what they read only once everything checked.
 */
public final class StateReader {
    private final StateDict state;
    private final String prefix;
    private final String owner;
    private final Set<String> read;
    private final int version;

    private StateReader(StateDict state, String prefix, String owner, Set<String> read, int version) {
        this.state = state;
        this.prefix = prefix;
        this.owner = owner;
        this.read = read;
        this.version = version;
    }

    /**
     * The root of {@code state}, checked to be a state of optimizer {@code optimizer} over
     * parameters of the same names and shapes as {@code parameters}, in a layout this build reads.
     *
     * @throws IllegalArgumentException naming the mismatch
     */
    public static StateReader of(StateDict state, String optimizer, ParameterSet parameters) {
        if (!state.optimizer().equals(optimizer)) {
            throw new IllegalArgumentException("State is of optimizer '" + state.optimizer() + "', not '" + optimizer + "'");
        }
        List<String> mine = parameters.parameters().stream().map(p -> p.name() + p.value().shape()).toList();
        List<String> theirs = state.parameters().stream().map(StateDict.ParameterShape::toString).toList();
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("State has parameters " + theirs + " but " + optimizer + " has " + mine);
        }
        String layout = state.options().get(StateWriter.LAYOUT);
        int version;
        try {
            version = layout == null ? 1 : Integer.parseInt(layout);
        } catch (NumberFormatException e) {
            version = -1;
        }
        if (version < 1 || version > StateWriter.VERSION) {
            throw new IllegalArgumentException("State has layout version " + layout + "; this build reads versions 1 to "
                    + StateWriter.VERSION);
        }
        StateReader r = new StateReader(state, "", "", new HashSet<>(), version);
        r.read.add(optionKey(StateWriter.LAYOUT));
        return r;
    }

    /** The layout version of the state: 1 for files written before the key existed. */
    public int version() {
        return version;
    }

    /**
     * The sub-node {@code name} (keys prefixed {@code <name>/}).
     *
     * @param owner what the node holds, for messages, e.g. {@code level 1 (sgd)}
     */
    public StateReader child(String name, String owner) {
        return new StateReader(state, prefix + name + "/", owner + " ", read, version);
    }

    /**
     * Requires the text entry {@code key} to equal {@code expected}: a structural option (a choice,
     * a schedule, a level's learnable hyperparameters) that must match for the state to fit.
     */
    public void expect(String key, String expected) {
        String theirs = state.options().get(prefix + key);
        read.add(optionKey(prefix + key));
        if (!expected.equals(theirs)) {
            throw new IllegalArgumentException("State has " + (theirs == null ? "no option " + prefix + key
                    : prefix + key + "=" + theirs) + " but this optimizer has " + prefix + key + "=" + expected);
        }
    }

    /** The text entry {@code key}; {@code what} names it in the error if it is missing. */
    public String option(String key, String what) {
        String v = state.options().get(prefix + key);
        if (v == null) {
            throw lacks(what);
        }
        read.add(optionKey(prefix + key));
        return v;
    }

    /** The text entry {@code key}, which must be {@code true} or {@code false}. */
    public boolean flag(String key, String what) {
        String v = option(key, what);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("State has " + owner + what + " = '" + v + "', not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /** The real entry {@code key}; {@code what} names it in the error if it is missing. */
    public double scalar(String key, String what) {
        Double v = state.scalars().get(prefix + key);
        if (v == null) {
            throw lacks(what);
        }
        read.add(scalarKey(prefix + key));
        return v;
    }

    /** The elements of buffer {@code buffer} of parameter {@code parameter}, which must have shape {@code shape}. */
    public float[] tensor(String parameter, String buffer, Shape shape) {
        StateDict.StateTensor t = state.tensor(parameter, prefix + buffer);
        if (t == null) {
            throw lacks("buffer " + buffer + " of parameter " + parameter);
        }
        if (!t.shape().equals(shape)) {
            throw new IllegalArgumentException("State buffer " + parameter + "/" + prefix + buffer + " has shape "
                    + t.shape() + ", expected " + shape);
        }
        read.add(tensorKey(parameter, prefix + buffer));
        return t.data();
    }

    /** The complete state of another optimizer over {@code parameters} that {@link StateWriter#embed} wrote into this node. */
    public StateDict embedded(ParameterSet parameters) {
        String optimizer = option(StateWriter.OPTIMIZER, "embedded optimizer");
        long steps = (long) scalar(StateWriter.STEPS, "embedded step count");
        long skipped = (long) scalar(StateWriter.SKIPPED, "embedded skipped-step count");
        Map<String, String> options = new LinkedHashMap<>();
        state.options().forEach((k, v) -> {
            if (k.startsWith(prefix) && read.add(optionKey(k))) {
                options.put(k.substring(prefix.length()), v);
            }
        });
        Map<String, Double> scalars = new LinkedHashMap<>();
        state.scalars().forEach((k, v) -> {
            if (k.startsWith(prefix) && read.add(scalarKey(k))) {
                scalars.put(k.substring(prefix.length()), v);
            }
        });
        List<StateDict.StateTensor> tensors = new ArrayList<>();
        for (StateDict.StateTensor t : state.tensors()) {
            if (t.buffer().startsWith(prefix) && read.add(tensorKey(t.parameter(), t.buffer()))) {
                tensors.add(new StateDict.StateTensor(t.parameter(), t.buffer().substring(prefix.length()), t.shape(),
                        t.data()));
            }
        }
        List<StateDict.ParameterShape> shapes = parameters.parameters().stream()
                .map(p -> new StateDict.ParameterShape(p.name(), p.value().shape())).toList();
        return new StateDict(optimizer, shapes, steps, skipped, options, scalars, tensors);
    }

    /**
     * Refuses entries no read asked for.
     *
     * @throws IllegalArgumentException listing up to five of them
     */
    public void requireEverythingRead() {
        List<String> unread = new ArrayList<>();
        state.options().forEach((k, v) -> {
            if (!read.contains(optionKey(k))) {
                unread.add(k + "=" + v);
            }
        });
        state.scalars().keySet().stream().filter(k -> !read.contains(scalarKey(k))).forEach(unread::add);
        state.tensors().stream().filter(t -> !read.contains(tensorKey(t.parameter(), t.buffer())))
                .forEach(t -> unread.add("buffer " + t.buffer() + " of parameter " + t.parameter()));
        if (!unread.isEmpty()) {
            throw new IllegalArgumentException("State holds " + unread.size() + " entries this optimizer does not have: "
                    + String.join(", ", unread.subList(0, Math.min(5, unread.size())))
                    + (unread.size() > 5 ? ", ..." : ""));
        }
    }

    private IllegalArgumentException lacks(String what) {
        return new IllegalArgumentException("State lacks " + owner + what);
    }

    private static String optionKey(String key) {
        return "o:" + key;
    }

    private static String scalarKey(String key) {
        return "s:" + key;
    }

    private static String tensorKey(String parameter, String buffer) {
        return "t:" + parameter + "\u0000" + buffer;
    }
}
