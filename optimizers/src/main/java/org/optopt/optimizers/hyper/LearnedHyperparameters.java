package org.optopt.optimizers.hyper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.Reparameterization;
import org.optopt.api.tensor.Shape;
import org.optopt.optimizers.runtime.StateReader;
import org.optopt.optimizers.runtime.StateWriter;

/**
 * The hyperparameters of one tower level that the level above learns, as that level sees them: a
 * parameter holding their raw (unconstrained) values {@code x}, with {@code h = f(x)} through each
 * one's {@link Reparameterization}, whose gradient is their hypergradient; and the hypergradients
 * of the last applied step. Raw values are laid out group by group: index
 * {@code groupIndex * names.size() + j} for the j-th learned hyperparameter.
 *
 * <p>State layout (in the level's node): tensor ({@code L<k>.raw}, {@code raw}) and scalars
 * {@code hypergradient/<group>/<name>}.
 */
final class LearnedHyperparameters implements AutoCloseable {
    private final String level;
    private final LevelSpec spec;
    private final List<String> names;
    private final List<String> groups;
    private final Map<String, Reparameterization> reparameterizations = new LinkedHashMap<>();
    private final Parameter raw;
    private double[] last;

    /**
     * The raw values of {@code names} from their current {@code values} per group.
     *
     * @param level the level, for messages, e.g. {@code level 0 (adam)}
     * @throws IllegalArgumentException if a value sits where its reparameterization has derivative
     *     0 (e.g. lr = 0 through the square), so that no hypergradient could ever move it
     */
    LearnedHyperparameters(int index, String level, LevelSpec spec, List<String> names, List<String> groups,
                           Function<String, Map<String, Double>> values, Backend backend) {
        this.level = level;
        this.spec = spec;
        this.names = List.copyOf(names);
        this.groups = List.copyOf(groups);
        names.forEach(h -> reparameterizations.put(h, spec.hyperparameter(h).reparameterization()));
        this.last = new double[size()];
        float[] r = new float[size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = rawOf(i, values.apply(group(i)).get(name(i)));
        }
        this.raw = names.isEmpty() ? null : new Parameter("L" + index + ".raw",
                backend.fromArray(r, Shape.vector(r.length)), backend.zeros(Shape.vector(r.length)));
    }

    /** The learned hyperparameters and their reparameterizations, in order. */
    Map<String, Reparameterization> reparameterizations() {
        return reparameterizations;
    }

    /** The parameter of the level above: the raw values, with their hypergradients as its gradient. */
    Parameter parameter() {
        return raw;
    }

    private int size() {
        return groups.size() * names.size();
    }

    private String group(int i) {
        return groups.get(i / names.size());
    }

    private String name(int i) {
        return names.get(i % names.size());
    }

    private int index(String group, String name) {
        return groups.indexOf(group) * names.size() + names.indexOf(name);
    }

    /** The (group, hyperparameter) of raw index {@code i}, for messages. */
    String describe(int i) {
        return level + " hyperparameter " + name(i) + (groups.size() > 1 ? " of group " + group(i) : "");
    }

    /** The raw value of index {@code i} for value {@code v}, checked to be learnable. */
    private float rawOf(int i, double v) {
        Reparameterization rep = reparameterizations.get(name(i));
        float x = (float) rep.inverse(v);
        if (!Float.isFinite(x) || rep.derivative(x) == 0) {
            throw new IllegalArgumentException(describe(i) + " = " + v + " cannot be learned: its " + rep
                    + " reparameterization has no usable derivative there");
        }
        return x;
    }

    /**
     * Checks that {@code name = value} of group {@code group} could be learned, if {@code name} is learned.
     *
     * @throws IllegalArgumentException if it sits where its reparameterization has no usable derivative
     */
    void requireLearnable(String group, String name, double value) {
        if (names.contains(name)) {
            rawOf(index(group, name), value);
        }
    }

    /** Restarts {@code name} of group {@code group} from {@code value} if it is learned; else does nothing. */
    void set(String group, String name, double value) {
        if (names.contains(name)) {
            float[] r = raw.value().toArray();
            r[index(group, name)] = rawOf(index(group, name), value);
            raw.value().copyFrom(r);
        }
    }

    /** A host copy of the raw values (empty if nothing is learned). */
    float[] read() {
        return raw == null ? new float[0] : raw.value().toArray();
    }

    /**
     * Puts the values of group {@code group} at raw values {@code r} into {@code values}, and
     * returns the kernel scalars {@code raw.h} the fused update reads.
     */
    Map<String, Double> apply(float[] r, String group, Map<String, Double> values) {
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (String h : names) {
            float x = r[index(group, h)];
            values.put(h, reparameterizations.get(h).forward(x));
            scalars.put(HyperKernels.rawScalar(h), (double) x);
        }
        return scalars;
    }

    /**
     * Checks raw values {@code r} (as the level above proposes them): finite, mapped into each
     * hyperparameter's domain and passing the cross-checks with the other {@code values}.
     *
     * @throws IllegalArgumentException naming the level, hyperparameter, raw and mapped value
     */
    void requireValid(float[] r, Function<String, Map<String, Double>> values) {
        for (String g : groups) {
            Map<String, Double> v = new LinkedHashMap<>(values.apply(g));
            for (String h : names) {
                int i = index(g, h);
                double x = reparameterizations.get(h).forward(r[i]);
                Hyperparameter def = spec.hyperparameter(h);
                if (!Float.isFinite(r[i]) || !def.domain().contains(x)) {
                    throw new IllegalArgumentException(describe(i) + " became " + x + " (raw " + r[i]
                            + "), outside " + def.domain().describe(h));
                }
                v.put(h, x);
            }
            try {
                spec.check().check(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(level + (groups.size() > 1 ? " group " + g : "") + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * Sets the gradient of the raw values to {@code hypergradients}, rounded to float.
     *
     * @return null, or a one-line description of a non-finite one (nothing has changed then)
     */
    String setGradient(double[] hypergradients) {
        float[] f = new float[hypergradients.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) hypergradients[i];
            if (!Float.isFinite(f[i])) {
                return "Hypergradient of " + describe(i) + " is " + hypergradients[i];
            }
        }
        raw.gradient().copyFrom(f);
        return null;
    }

    /** Keeps the hypergradients of an applied step. */
    void commit(double[] hypergradients) {
        last = hypergradients;
    }

    /** The hypergradients of group {@code group} computed by the last applied step, by name. */
    Map<String, Double> hypergradients(String group) {
        if (!groups.contains(group)) {
            throw new IllegalArgumentException("Unknown group '" + group + "' of " + level);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        names.forEach(h -> out.put(h, last[index(group, h)]));
        return out;
    }

    /** {@code values} of group {@code group} with the learned ones at their current raw values. */
    Map<String, Double> current(String group, Map<String, Double> values) {
        Map<String, Double> v = new LinkedHashMap<>(values);
        apply(read(), group, v);
        return v;
    }

    /** {@link #current} as stored: each value's raw value {@code x} with {@code h = f(x)}. */
    Map<String, Double> stored(String group, Map<String, Double> values) {
        float[] r = read();
        Map<String, Double> out = new LinkedHashMap<>();
        current(group, values).forEach((h, v) -> out.put(h, names.contains(h) ? r[index(group, h)]
                : spec.hyperparameter(h).reparameterization().inverse(v)));
        return out;
    }

    /** Writes the raw values and the last hypergradients into the level's node {@code w}. */
    void write(StateWriter w) {
        if (raw != null) {
            w.tensor(raw.name(), "raw", raw.value());
        }
        groups.forEach(g -> hypergradients(g).forEach((h, v) -> w.scalar("hypergradient/" + g + "/" + h, v)));
    }

    /**
     * Reads what {@link #write} wrote, checked against the group values {@code values} being
     * loaded; changes nothing until the result runs.
     */
    Runnable read(StateReader r, Function<String, Map<String, Double>> values) {
        if (raw == null) {
            return () -> { };
        }
        float[] x = r.tensor(raw.name(), "raw", raw.value().shape());
        requireValid(x, values);
        double[] hg = new double[size()];
        for (int i = 0; i < hg.length; i++) {
            hg[i] = r.scalar("hypergradient/" + group(i) + "/" + name(i), "hypergradient of " + describe(i));
        }
        return () -> {
            raw.value().copyFrom(x);
            last = hg;
        };
    }

    @Override
    public void close() {
        if (raw != null) {
            raw.value().close();
            raw.gradient().close();
        }
    }
}
