package org.optopt.optimizers.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.optopt.optimizers.schedule.Schedule;
import org.optopt.optimizers.schedule.Schedules;

/**
 * A hyperparameter schedule as written in a spec: one phase, {@code cosine(steps=1000, min=0.1)},
 * or phases run one after the other, {@code warmup(100)+cosine(900)}. Every phase but the last
 * needs a length (its {@code steps}); the next phase starts at its own position 0 when the one
 * before has run that many steps (as {@link Schedules#sequence}). Each phase is one of
 * {@link Schedules}' closed forms, with the arguments (first the required ones, positional or by
 * name; the others default as in torch.optim.lr_scheduler):
 * <pre>
 * constant                                      b
 * step(every, gamma=0.1)                        b*gamma^floor(t/every)                  (StepLR)
 * exponential(gamma)                            b*gamma^t                               (ExponentialLR)
 * cosine(steps, min=0)                          min + (b - min)(1 + cos(pi min(t,steps)/steps))/2 (CosineAnnealingLR)
 * cosine_restarts(steps, mult=1, min=0)         the cosine over cycles steps, steps*mult, ...   (SGDR)
 * warmup(steps, start=0)                        b(start + (1 - start) min(t,steps)/steps)        (LinearLR)
 * polynomial(steps, power=1)                    b(1 - min(t,steps)/steps)^power          (PolynomialLR)
 * onecycle(steps, pct_start=0.3, div=25, final_div=1e4)                                  (OneCycleLR)
 * </pre>
 * {@code min} is an absolute value (torch's {@code eta_min}), {@code start} a factor of the base.
 *
 * @param phases the phases, each with every argument (defaults filled in), in order
 */
public record ScheduleSpec(List<Phase> phases) {
    /** The argument giving a phase's length. */
    private static final String LENGTH = "steps";

    /**
     * One phase.
     *
     * @param name the schedule's name, e.g. {@code cosine}
     * @param arguments every argument's value, in the schedule's order
     */
    public record Phase(String name, Map<String, Double> arguments) {
        /** Copies the arguments. */
        public Phase {
            arguments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        }

        /** {@code name} or {@code name(k=v, ...)}. */
        @Override
        public String toString() {
            return arguments.isEmpty() ? name : name + arguments.entrySet().stream()
                    .map(e -> e.getKey() + "=" + SpecNumbers.format(e.getValue()))
                    .collect(Collectors.joining(", ", "(", ")"));
        }
    }

    /** Validates and copies: the phases exist, have their arguments, and all but the last a length. */
    public ScheduleSpec {
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("A schedule needs at least one phase");
        }
        for (int i = 0; i < phases.size(); i++) {
            Kind k = Kind.named(phases.get(i).name());
            if (!k.parameters.equals(List.copyOf(phases.get(i).arguments().keySet()))) {
                throw new IllegalArgumentException("Schedule " + k.label + " needs the arguments " + k.parameters
                        + ", got " + phases.get(i).arguments().keySet());
            }
            if (i < phases.size() - 1) {
                requireLength(phases.get(i));
            }
        }
    }

    /**
     * Checks that another phase can follow {@code phase}.
     *
     * @throws IllegalArgumentException if it has no length
     */
    static void requireLength(Phase phase) {
        Kind k = Kind.named(phase.name());
        if (!k.hasLength()) {
            throw new IllegalArgumentException("schedule " + k.label + " runs forever, so nothing can follow it;"
                    + " a phase followed by '+' needs steps (" + Kind.withLength() + ")");
        }
    }

    /** The schedule. */
    public Schedule schedule() {
        return build(phases);
    }

    private static Schedule build(List<Phase> phases) {
        Phase first = phases.get(0);
        Schedule s = Kind.named(first.name()).make(first.arguments());
        if (phases.size() == 1) {
            return s;
        }
        return Schedules.sequence(s, (long) (double) first.arguments().get(LENGTH), build(phases.subList(1, phases.size())));
    }

    /** The phases joined by {@code +}, e.g. {@code warmup(steps=100, start=0)+cosine(steps=900, min=0)}. */
    @Override
    public String toString() {
        return phases.stream().map(Phase::toString).collect(Collectors.joining("+"));
    }

    /**
     * The phase {@code name} with {@code positional} arguments (in order) and {@code named} ones,
     * defaults filled in.
     *
     * @throws IllegalArgumentException on an unknown schedule or argument, a missing or repeated
     *     argument, or a non-integer count
     */
    static Phase phase(String name, List<Double> positional, Map<String, Double> named) {
        Kind k = Kind.named(name);
        if (positional.size() > k.parameters.size()) {
            throw new IllegalArgumentException("schedule " + name + " takes at most " + k.parameters.size()
                    + " arguments " + k.parameters + ", got " + positional.size());
        }
        Map<String, Double> args = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++) {
            args.put(k.parameters.get(i), positional.get(i));
        }
        for (Map.Entry<String, Double> e : named.entrySet()) {
            if (!k.parameters.contains(e.getKey())) {
                throw new IllegalArgumentException("schedule " + name + " has no argument '" + e.getKey() + "'; it has "
                        + k.parameters);
            }
            if (args.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("argument " + e.getKey() + " of schedule " + name + " is given twice");
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < k.parameters.size(); i++) {
            String p = k.parameters.get(i);
            Double v = args.containsKey(p) ? args.get(p) : k.defaults.get(i);
            if (v == null) {
                throw new IllegalArgumentException("schedule " + name + " needs " + p + " (" + k.label + ")");
            }
            if (k.counts.contains(p) && !(v == Math.rint(v) && v >= 1 && v < 1L << 53)) {
                throw new IllegalArgumentException("argument " + p + " of schedule " + name
                        + " must be a whole number >= 1, got " + SpecNumbers.format(v));
            }
            out.put(p, v);
        }
        k.make(out); // the schedule's own checks
        return new Phase(name, out);
    }

    /** The schedules of the grammar: parameters, which of them are step counts, defaults (null: required). */
    private enum Kind {
        CONSTANT("constant", List.of(), List.of(), List.of(), a -> Schedules.constant()),
        STEP("step", List.of("every", "gamma"), List.of("every"), defaults(null, 0.1),
                a -> Schedules.step(count(a, "every"), a.get("gamma"))),
        EXPONENTIAL("exponential", List.of("gamma"), List.of(), defaults((Double) null),
                a -> Schedules.exponential(a.get("gamma"))),
        COSINE("cosine", List.of(LENGTH, "min"), List.of(LENGTH), defaults(null, 0.0),
                a -> Schedules.cosine(count(a, LENGTH), a.get("min"))),
        COSINE_RESTARTS("cosine_restarts", List.of(LENGTH, "mult", "min"), List.of(LENGTH, "mult"),
                defaults(null, 1.0, 0.0), a -> Schedules.cosineWarmRestarts(count(a, LENGTH), count(a, "mult"), a.get("min"))),
        WARMUP("warmup", List.of(LENGTH, "start"), List.of(LENGTH), defaults(null, 0.0),
                a -> Schedules.linearWarmup(count(a, LENGTH), a.get("start"))),
        POLYNOMIAL("polynomial", List.of(LENGTH, "power"), List.of(LENGTH), defaults(null, 1.0),
                a -> Schedules.polynomial(count(a, LENGTH), a.get("power"))),
        ONECYCLE("onecycle", List.of(LENGTH, "pct_start", "div", "final_div"), List.of(LENGTH),
                defaults(null, 0.3, 25.0, 1e4),
                a -> Schedules.oneCycle(count(a, LENGTH), a.get("pct_start"), a.get("div"), a.get("final_div")));

        final String label;
        final List<String> parameters;
        final List<String> counts;
        final List<Double> defaults;
        final Function<Map<String, Double>, Schedule> factory;

        Kind(String label, List<String> parameters, List<String> counts, List<Double> defaults,
                Function<Map<String, Double>, Schedule> factory) {
            this.label = label;
            this.parameters = parameters;
            this.counts = counts;
            this.defaults = defaults;
            this.factory = factory;
        }

        static Kind named(String name) {
            for (Kind k : values()) {
                if (k.label.equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + name + "'; known schedules: "
                    + java.util.Arrays.stream(values()).map(k -> k.label).collect(Collectors.joining(", ")));
        }

        boolean hasLength() {
            return parameters.contains(LENGTH);
        }

        static String withLength() {
            return java.util.Arrays.stream(values()).filter(Kind::hasLength).map(k -> k.label)
                    .collect(Collectors.joining(", "));
        }

        Schedule make(Map<String, Double> arguments) {
            return factory.apply(arguments);
        }

        private static List<Double> defaults(Double... values) {
            List<Double> out = new ArrayList<>();
            java.util.Collections.addAll(out, values);
            return java.util.Collections.unmodifiableList(out);
        }

        private static long count(Map<String, Double> a, String name) {
            return (long) (double) Objects.requireNonNull(a.get(name), name);
        }
    }
}
