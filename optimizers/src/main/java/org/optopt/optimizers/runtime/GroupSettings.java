package org.optopt.optimizers.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.schedule.Schedule;

/**
 * The per-group settings of a plain optimizer or of one tower level: each parameter group's
 * hyperparameter values (validated on every write), its frozen flag, and the schedules that drive
 * hyperparameters with their positions. In the layout: scalars {@code hyper/<group>/<name>} and
 * {@code position/<hyperparameter>}, options {@code frozen/<group>} and
 * {@code schedule/<hyperparameter>} (the schedule's description, which must match on load).
 */
public final class GroupSettings {

    /** What makes values valid: the definitions of the hyperparameters and the checks between them. */
    public interface Validation {
        /**
         * The definition of hyperparameter {@code name}.
         *
         * @throws IllegalArgumentException listing the known names if there is none
         */
        Hyperparameter definition(String name);

        /**
         * Checks a complete set of values: each in its domain, and the constraints between them.
         *
         * @throws IllegalArgumentException naming the offending values
         */
        void check(Map<String, Double> values);

        /** The validation with these two parts. */
        static Validation of(Function<String, Hyperparameter> definitions, Consumer<Map<String, Double>> check) {
            return new Validation() {
                @Override
                public Hyperparameter definition(String name) {
                    return definitions.apply(name);
                }

                @Override
                public void check(Map<String, Double> values) {
                    check.accept(values);
                }
            };
        }
    }

    /**
     * A copy of the settings (values, frozen flags, schedule positions), for rollback and loading.
     *
     * @param values the values by group, then by name
     * @param frozen the frozen flags by group
     * @param positions the schedule positions by hyperparameter
     */
    public record Snapshot(Map<String, Map<String, Double>> values, Map<String, Boolean> frozen,
                           Map<String, Long> positions) {
        /** Copies deeply. */
        public Snapshot {
            Map<String, Map<String, Double>> v = new LinkedHashMap<>();
            values.forEach((g, m) -> v.put(g, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m))));
            values = java.util.Collections.unmodifiableMap(v);
            frozen = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(frozen));
            positions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(positions));
        }
    }

    private final List<String> names;
    private final Validation validation;
    private final Function<String, String> where;
    private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    private final Map<String, Boolean> frozen = new LinkedHashMap<>();
    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    private final Map<String, Long> positions = new LinkedHashMap<>();

    /**
     * The settings of {@code parameters}' groups: {@code defaults} with each group's overrides on
     * top, validated per group; frozen as the groups say.
     *
     * @param names the hyperparameters in definition order (the order of the state layout)
     * @param where names a group in messages, e.g. {@code Parameter group head}
     * @throws IllegalArgumentException on an unknown override or invalid values, naming the group
     */
    public GroupSettings(ParameterSet parameters, Map<String, Double> defaults, List<String> names,
                         Validation validation, Function<String, String> where) {
        this.names = List.copyOf(names);
        this.validation = Objects.requireNonNull(validation, "validation");
        this.where = Objects.requireNonNull(where, "where");
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> v = new LinkedHashMap<>(defaults);
            for (Map.Entry<String, Double> o : g.overrides().entrySet()) {
                validation.definition(o.getKey());
                v.put(o.getKey(), o.getValue());
            }
            values.put(g.name(), check(g.name(), v));
            frozen.put(g.name(), g.frozen());
        }
    }

    private Map<String, Double> check(String group, Map<String, Double> v) {
        try {
            validation.check(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where.apply(group) + ": " + e.getMessage(), e);
        }
        return v;
    }

    /** The group names, in order. */
    public List<String> groups() {
        return List.copyOf(values.keySet());
    }

    /**
     * The live base values of group {@code group} (schedules not applied).
     *
     * @throws IllegalArgumentException listing the groups if there is no such group
     */
    public Map<String, Double> values(String group) {
        Map<String, Double> v = values.get(group);
        if (v == null) {
            throw new IllegalArgumentException("Unknown parameter group '" + group + "'; groups are " + values.keySet());
        }
        return v;
    }

    /** The values group {@code group} would have with {@code name = value}, validated; changes nothing. */
    public Map<String, Double> validated(String group, String name, double value) {
        validation.definition(name);
        Map<String, Double> v = new LinkedHashMap<>(values(group));
        v.put(name, value);
        return check(group, v);
    }

    /** Sets {@code name = value} in group {@code group}, validated. */
    public void set(String group, String name, double value) {
        values.put(group, validated(group, name, value));
    }

    /** Sets {@code name = value} in every group, validated in all before any changes. */
    public void setAll(String name, double value) {
        Map<String, Map<String, Double>> next = new LinkedHashMap<>();
        for (String g : values.keySet()) {
            next.put(g, validated(g, name, value));
        }
        values.putAll(next);
    }

    /** Whether group {@code group} is frozen. */
    public boolean isFrozen(String group) {
        values(group);
        return frozen.get(group);
    }

    /** Freezes or unfreezes group {@code group}. */
    public void setFrozen(String group, boolean freeze) {
        values(group);
        frozen.put(group, freeze);
    }

    /**
     * Lets {@code schedule} drive {@code hyperparameter} from position 0, replacing any schedule it had.
     *
     * @throws IllegalArgumentException if there is no such hyperparameter
     */
    public void schedule(String hyperparameter, Schedule schedule) {
        validation.definition(hyperparameter);
        schedules.put(hyperparameter, Objects.requireNonNull(schedule, "schedule"));
        positions.put(hyperparameter, 0L);
    }

    /** Whether a schedule drives {@code hyperparameter}. */
    public boolean isScheduled(String hyperparameter) {
        return schedules.containsKey(hyperparameter);
    }

    /** The position of the schedule of {@code hyperparameter}, or -1 if none drives it. */
    public long position(String hyperparameter) {
        return positions.getOrDefault(hyperparameter, -1L);
    }

    /** Moves every schedule one step on (after an applied step). */
    public void advance() {
        positions.replaceAll((h, pos) -> pos + 1);
    }

    /**
     * The values of group {@code group} as the next step uses them: the base values with every
     * schedule applied.
     *
     * @throws IllegalStateException if a schedule leaves its hyperparameter's domain
     */
    public Map<String, Double> effective(String group) {
        Map<String, Double> out = new LinkedHashMap<>(values(group));
        for (Map.Entry<String, Schedule> s : schedules.entrySet()) {
            String h = s.getKey();
            long pos = positions.get(h);
            double v = s.getValue().value(pos, out.get(h));
            Hyperparameter def = validation.definition(h);
            if (!def.domain().contains(v)) {
                throw new IllegalStateException("Schedule " + s.getValue().describe() + " gives " + h + " = " + v
                        + " at position " + pos + " in " + where.apply(group) + ", outside " + def.domain().describe(h));
            }
            out.put(h, v);
        }
        return out;
    }

    /** A copy of the values, frozen flags and positions. */
    public Snapshot snapshot() {
        return new Snapshot(values, frozen, positions);
    }

    /** Restores a {@link #snapshot()} (of these settings). */
    public void restore(Snapshot s) {
        s.values().forEach((g, v) -> values.put(g, new LinkedHashMap<>(v)));
        frozen.putAll(s.frozen());
        positions.putAll(s.positions());
    }

    /** The schedules' descriptions, structural options that a loaded state must match. */
    public Map<String, String> scheduleDescriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        schedules.forEach((h, s) -> out.put(h, s.describe()));
        return out;
    }

    /** Writes the settings into node {@code w}. */
    public void write(StateWriter w) {
        values.forEach((g, v) -> names.forEach(h -> w.scalar(hyperKey(g, h), v.get(h))));
        frozen.forEach((g, f) -> w.option("frozen/" + g, f.toString()));
        schedules.forEach((h, s) -> w.option("schedule/" + h, s.describe()));
        positions.forEach((h, pos) -> w.scalar("position/" + h, pos));
    }

    /**
     * Reads settings written by {@link #write} for these groups and schedules, validated; changes nothing.
     *
     * @throws IllegalArgumentException naming a missing entry, a schedule that differs or an invalid value
     */
    public Snapshot read(StateReader r) {
        schedules.forEach((h, s) -> r.expect("schedule/" + h, s.describe()));
        Map<String, Map<String, Double>> v = new LinkedHashMap<>();
        Map<String, Boolean> f = new LinkedHashMap<>();
        for (String g : values.keySet()) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String h : names) {
                m.put(h, r.scalar(hyperKey(g, h), "hyperparameter " + h + " of group " + g));
            }
            try {
                validation.check(m);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("State of " + where.apply(g) + ": " + e.getMessage(), e);
            }
            v.put(g, m);
            f.put(g, r.flag("frozen/" + g, "frozen flag of group " + g));
        }
        Map<String, Long> p = new LinkedHashMap<>();
        for (String h : positions.keySet()) {
            p.put(h, (long) r.scalar("position/" + h, "the position of the schedule of " + h));
        }
        return new Snapshot(v, f, p);
    }

    private static String hyperKey(String group, String name) {
        return "hyper/" + group + "/" + name;
    }
}
