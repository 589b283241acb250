package org.optopt.optimizers.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An optimizer as a typed value: a tower of one or more levels, model level first. A single
 * optimizer is a tower of height one, {@code adam(lr=1e-3, amsgrad)}, and runs as that optimizer
 * itself; two or more levels (or gdtuo's conventions, even for one level) run as a hypergradient
 * tower. Specs come from {@link OptimizerSpecs#parse}, which checks every name and value against a
 * registry, and print back canonically ({@link #toString()}): the same text parses to an equal spec.
 *
 * @param gdtuo whether the levels follow gdtuo's update rules and conventions ({@code gdtuo:} prefix)
 * @param levels the levels, model level first
 * @param average the {@link org.optopt.optimizers.ParameterAveraging} of the whole optimizer
 *     ({@code ema:DECAY} or {@code swa:START}), or null for none
 */
public record OptimizerSpec(boolean gdtuo, List<Level> levels, String average) {

    /**
     * One level: an optimizer and the arguments given to it (absent ones take their defaults).
     *
     * @param optimizer the optimizer's registered name
     * @param values hyperparameter values, in the optimizer's definition order
     * @param lists list-valued hyperparameters (candidate sets), in definition order
     * @param options structural options by name (the chosen value, e.g. {@code true} or {@code tanh}), in definition order
     * @param learn the hyperparameters the level above learns ({@code all} for every scalar of the
     *     rule, empty for none), or null for the optimizer's default
     * @param frozen whether this tower level keeps the level on its left fixed
     * @param schedules a schedule for each scheduled hyperparameter
     */
    public record Level(String optimizer, Map<String, Double> values, Map<String, List<Double>> lists,
                        Map<String, String> options, List<String> learn, boolean frozen,
                        Map<String, ScheduleSpec> schedules) {
        /** Copies the collections, keeping their order. */
        public Level {
            Objects.requireNonNull(optimizer, "optimizer");
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
            Map<String, List<Double>> l = new LinkedHashMap<>();
            lists.forEach((k, v) -> l.put(k, List.copyOf(v)));
            lists = java.util.Collections.unmodifiableMap(l);
            options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
            learn = learn == null ? null : List.copyOf(learn);
            schedules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schedules));
        }

        /** The level's arguments as the spec language writes them, in canonical order. */
        List<String> arguments() {
            List<String> out = new ArrayList<>();
            values.forEach((k, v) -> out.add(k + "=" + SpecNumbers.format(v)));
            lists.forEach((k, v) -> out.add(k + "=" + v.stream().map(SpecNumbers::format)
                    .collect(Collectors.joining(", ", "[", "]"))));
            options.forEach((k, v) -> out.add(k + "=" + v));
            if (learn != null) {
                out.add(OptimizerSpecs.LEARN + "=" + (learn.isEmpty() ? OptimizerSpecs.NONE : String.join("+", learn)));
            }
            if (frozen) {
                out.add(OptimizerSpecs.FROZEN);
            }
            schedules.forEach((k, v) -> out.add(SpecParser.SCHEDULE + k + "=" + v));
            return out;
        }
    }

    /** Copies the levels; there is at least one. */
    public OptimizerSpec {
        levels = List.copyOf(levels);
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("An optimizer spec needs at least one level");
        }
    }

    /** Whether this runs as a hypergradient tower: two or more levels, or gdtuo's conventions. */
    public boolean tower() {
        return gdtuo || levels.size() > 1;
    }

    /** This spec with level {@code index} replaced. */
    OptimizerSpec with(int index, Level level, String newAverage) {
        List<Level> l = new ArrayList<>(levels);
        l.set(index, level);
        return new OptimizerSpec(gdtuo, l, newAverage);
    }

    /**
     * The canonical text: {@code [gdtuo:]name(k=v, ...)/...}, numbers in their shortest exact
     * form, arguments in definition order, {@code average=} last on the model level.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(gdtuo ? SpecParser.GDTUO_PREFIX : "");
        for (int k = 0; k < levels.size(); k++) {
            Level l = levels.get(k);
            List<String> args = l.arguments();
            if (k == 0 && average != null) {
                args.add(OptimizerSpecs.AVERAGE + "=" + average);
            }
            sb.append(k > 0 ? "/" : "").append(l.optimizer())
                    .append(args.isEmpty() ? "" : String.join(", ", args).transform(a -> "(" + a + ")"));
        }
        return sb.toString();
    }
}
