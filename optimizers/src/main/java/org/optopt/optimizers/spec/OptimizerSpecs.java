package org.optopt.optimizers.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.HyperparameterList;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.BaseOptimizer;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.ParameterAveraging;
import org.optopt.optimizers.Variant;
import org.optopt.optimizers.hyper.HyperOptimizer;
import org.optopt.optimizers.hyper.LevelCatalog;
import org.optopt.optimizers.hyper.LevelSpec;
import org.optopt.optimizers.hyper.RegistryCatalog;

/**
 * The spec language of optimizers, bound to a registry: parses specs and settings into typed
 * {@link OptimizerSpec}s, checking every name and value against the registry once, and builds
 * optimizers from them. The same parser serves {@code run}, {@code compare}, studies and library code.
 *
 * <pre>
 * spec      = [ "gdtuo:" ] level { "/" level }
 * level     = name [ "(" [ argument { "," argument } ] ")" ]
 * argument  = number                   the step size (first hyperparameter); first only
 *           | key [ "=" value ]        a bare key is an option set to true, e.g. amsgrad or frozen
 * key       = name { "." name }        e.g. lr, momenta, schedule.lr
 * value     = number | list | schedule | word
 * list      = "[" [ number { "," number } ] "]"
 * schedule  = phase { "+" phase }      (values of schedule.* keys; see {@link ScheduleSpec})
 * phase     = name [ "(" [ sarg { "," sarg } ] ")" ]
 * sarg      = number | name "=" number
 * setting   = [ "level" digits "." ] ( "name" "=" name | key "=" ( value | number { "," number } ) )
 * name      = letter { letter | digit | "_" | "-" }          (lower-cased)
 * word      = any characters but spaces and , ( ) [ ] = /   (e.g. tanh, ema:0.999, lr+beta1)
 * number    = [ "+" | "-" ] ( digits [ "." [ digits ] ] | "." digits ) [ ( "e" | "E" ) [ "+" | "-" ] digits ]
 * </pre>
 * Spaces may surround any token. Keys besides the optimizer's hyperparameters, lists and options:
 * <ul>
 *   <li>{@code learn=h1+h2} (tower levels): what the level to the right learns; {@code all}, {@code none};
 *       default the catalog's ({@code lr}); the rightmost level learns nothing.</li>
 *   <li>{@code frozen} (tower levels): the level keeps the level on its left fixed; a level right of
 *       the first must be frozen or have a step size &gt; 0.</li>
 *   <li>{@code schedule.h=SCHEDULE}: hyperparameter {@code h} follows the schedule
 *       ({@link BaseOptimizer#schedule}), e.g. {@code adam(lr=1e-3, schedule.lr=warmup(100)+cosine(900))}.</li>
 *   <li>{@code average=ema:DECAY|swa:START} (model level): evaluate at averaged parameters
 *       ({@link ParameterAveraging}).</li>
 * </ul>
 * A setting ({@code --set}) assigns one key of a parsed spec before anything is built:
 * {@code lr=0.01} (level 0), {@code level1.lr=1e-5}, {@code level1.name=adam} (replaces the level's
 * optimizer, keeping the arguments the new one has, dropping the others), {@code schedule.lr=cosine(1000)},
 * {@code level1.schedule.lr=...}; numbers separated by commas form a list ({@code momenta=0.5,0.9}).
 *
 * <p>Errors are {@link SpecException}s of one line naming the spec or setting and, where the
 * problem has one, its column.
 */
public final class OptimizerSpecs {
    static final String NAME = "name";
    static final String LEARN = "learn";
    static final String FROZEN = "frozen";
    static final String AVERAGE = "average";
    static final String NONE = "none";
    private static final String ALL = "all";

    private final Optimizers registry;
    private final LevelCatalog towers;
    private final LevelCatalog gdtuo;
    private final boolean alwaysTower;

    /**
     * The language over {@code registry}: its optimizers, those that can be tower levels as
     * levels, and their gdtuo variants ({@link Variant#GDTUO}) after {@code gdtuo:}.
     */
    public OptimizerSpecs(Optimizers registry) {
        this(registry, new RegistryCatalog(registry), RegistryCatalog.variants(registry, Variant.GDTUO), false);
    }

    private OptimizerSpecs(Optimizers registry, LevelCatalog towers, LevelCatalog gdtuo, boolean alwaysTower) {
        this.registry = registry;
        this.towers = towers;
        this.gdtuo = gdtuo;
        this.alwaysTower = alwaysTower;
    }

    /** The language over {@code registry} in which every spec, one level or more, is a tower. */
    public static OptimizerSpecs towers(Optimizers registry) {
        return new OptimizerSpecs(registry, new RegistryCatalog(registry), RegistryCatalog.variants(registry, Variant.GDTUO),
                true);
    }

    /**
     * The language over a catalog of tower levels only: every spec, one level or more, is a tower
     * whose levels come from {@code catalog}; the {@code gdtuo:} prefix is refused.
     */
    public static OptimizerSpecs towers(LevelCatalog catalog) {
        return new OptimizerSpecs(null, catalog, null, true);
    }

    /**
     * Parses and checks an optimizer spec.
     *
     * @throws SpecException naming the column of the first problem
     */
    public OptimizerSpec parse(String text) {
        SpecParser.Spec syntax = SpecParser.spec(text);
        boolean tower = alwaysTower || syntax.gdtuo() || syntax.levels().size() > 1;
        List<OptimizerSpec.Level> levels = new ArrayList<>();
        String average = null;
        for (int k = 0; k < syntax.levels().size(); k++) {
            SpecParser.Level l = syntax.levels().get(k);
            Draft d = draft(tower, syntax.gdtuo(), k, l.name(), syntax, l.column());
            for (SpecParser.Arg a : l.args()) {
                try {
                    d.putNew(a.key(), a.value());
                } catch (IllegalArgumentException e) {
                    throw new SpecException("optimizer", text, a.column(), e.getMessage());
                }
            }
            levels.add(d.level());
            average = k == 0 ? d.average : average;
        }
        OptimizerSpec spec = new OptimizerSpec(syntax.gdtuo(), levels, average);
        try {
            check(spec);
        } catch (Problem p) {
            throw new SpecException("optimizer", text, column(syntax, spec, p), p.getMessage());
        }
        return spec;
    }

    /**
     * Checks the syntax of {@code text} only, without a registry (for files read before one is at hand).
     *
     * @throws SpecException naming the column of the first problem
     */
    public static void checkSyntax(String text) {
        SpecParser.spec(text);
    }

    /**
     * The arguments of a single optimizer as written in {@code text} (none for a tower): values as
     * numbers, lists of numbers or words, a bare key as {@code true}, the positional step size under
     * {@code lr}. This is the form in which earlier versions keyed study trials, kept so that their
     * trial hashes stay valid.
     *
     * @throws SpecException on a syntax error
     */
    public static Map<String, Object> writtenArguments(String text) {
        SpecParser.Spec syntax = SpecParser.spec(text);
        Map<String, Object> out = new LinkedHashMap<>();
        if (!syntax.gdtuo() && syntax.levels().size() == 1) {
            syntax.levels().get(0).args().forEach(a -> out.put(a.key() == null ? "lr" : a.key(), a.value()));
        }
        return out;
    }

    /**
     * {@code spec} with one setting {@code [levelK.]key=value} applied (see the class comment).
     *
     * @throws SpecException naming the setting, and the column where the problem is in it
     */
    public OptimizerSpec set(OptimizerSpec spec, String setting) {
        return set(spec, List.of(setting));
    }

    /**
     * {@code spec} with every setting {@code [levelK.]key=value} of {@code settings} applied in
     * order; each value is checked as it is set, the spec as a whole (cross-checks such as nesterov
     * needing momentum, tower rules) once all are applied, so their order does not matter.
     *
     * @throws SpecException naming the setting, and the column where the problem is in it
     */
    public OptimizerSpec set(OptimizerSpec spec, List<String> settings) {
        OptimizerSpec out = spec;
        List<SpecParser.Setting> parsed = new ArrayList<>();
        for (String setting : settings) {
            SpecParser.Setting s = SpecParser.setting(setting);
            parsed.add(s);
            out = assign(out, s);
        }
        try {
            check(out);
        } catch (Problem p) {
            for (int i = parsed.size() - 1; i >= 0; i--) {
                SpecParser.Setting s = parsed.get(i);
                if (s.level() == p.level && s.argument().key().equals(p.key)) {
                    throw new SpecException("setting", s.text(), s.argument().column(), p.getMessage());
                }
            }
            throw new SpecException("setting", String.join(" ", settings), 0, p.getMessage());
        }
        return out;
    }

    /** {@code spec} with {@code s} applied, its value checked, the whole not yet. */
    private OptimizerSpec assign(OptimizerSpec spec, SpecParser.Setting s) {
        int k = s.level();
        String setting = s.text();
        if (k >= spec.levels().size()) {
            throw new SpecException("setting", setting, s.keyColumn(), spec.levels().size() == 1
                    ? spec + " is a single optimizer, it has no level " + k
                    : "the tower " + spec + " has levels 0 to " + (spec.levels().size() - 1));
        }
        OptimizerSpec.Level old = spec.levels().get(k);
        SpecParser.Arg a = s.argument();
        try {
            Draft d;
            if (a.key().equals(NAME)) {
                d = draft(spec.tower() || alwaysTower, spec.gdtuo(), k, (String) a.value(), null, 0);
                d.keep(old, spec.average());
            } else {
                d = new Draft(spec.tower() || alwaysTower, spec.gdtuo(), k, old.optimizer());
                d.keep(old, spec.average());
                if (!d.knows(a.key())) {
                    throw new SpecException("setting", setting, s.keyColumn(), d.unknown(a.key()));
                }
                d.put(a.key(), a.value());
            }
            return spec.with(k, d.level(), k == 0 ? d.average : spec.average());
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SpecException("setting", setting, a.column(), e.getMessage());
        }
    }

    /**
     * {@code spec} with {@code key} set to a value from a file or map: a {@link Number}, a
     * {@link Boolean}, a {@link List} of numbers, a {@link ScheduleSpec} or text in the spec language.
     *
     * @throws SpecException naming the setting
     */
    public OptimizerSpec set(OptimizerSpec spec, String key, Object value) {
        return set(spec, Map.of(key, value));
    }

    /** {@code spec} with every setting of {@code settings} applied (see {@link #set(OptimizerSpec, List)}). */
    public OptimizerSpec set(OptimizerSpec spec, Map<String, ?> settings) {
        return set(spec, settings.entrySet().stream().map(e -> e.getKey() + "=" + text(e.getValue())).toList());
    }

    private static String text(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return SpecNumbers.format(((Number) value).doubleValue());
        }
        if (value instanceof List<?> list) {
            return list.stream().map(OptimizerSpecs::text).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    /**
     * Builds the optimizer over {@code parameters} on {@code backend} (which owns their tensors):
     * the registry's optimizer for one level, else a {@link HyperOptimizer}; schedules attached,
     * averaging wrapped around.
     *
     * @throws IllegalArgumentException if a scheduled optimizer does not take schedules
     */
    public Optimizer build(OptimizerSpec spec, Backend backend, ParameterSet parameters) {
        Optimizer inner = spec.tower() || alwaysTower ? tower(spec, backend, parameters) : single(spec, backend, parameters);
        return spec.average() == null ? inner : new ParameterAveraging(inner, backend, spec.average());
    }

    /** Builds the tower of {@code spec} (any height; one level is a tower of one), schedules attached. */
    public HyperOptimizer tower(OptimizerSpec spec, Backend backend, ParameterSet parameters) {
        HyperOptimizer h = new HyperOptimizer(levels(spec), backend, parameters);
        for (int k = 0; k < spec.levels().size(); k++) {
            int level = k;
            spec.levels().get(k).schedules().forEach((name, s) -> h.schedule(level, name, s.schedule()));
        }
        return h;
    }

    private Optimizer single(OptimizerSpec spec, Backend backend, ParameterSet parameters) {
        OptimizerSpec.Level l = spec.levels().get(0);
        OptimizerProvider p = registry.provider(l.optimizer());
        Optimizer o = p.create(backend, parameters, config(p, l));
        if (!l.schedules().isEmpty()) {
            if (!(o instanceof BaseOptimizer b)) {
                o.close();
                throw new IllegalArgumentException("Optimizer " + l.optimizer() + " does not take schedules");
            }
            l.schedules().forEach((h, s) -> b.schedule(h, s.schedule()));
        }
        return o;
    }

    /** The level's arguments as {@link OptimizerProvider#create} takes them (flags as booleans). */
    private static Map<String, Object> config(OptimizerProvider p, OptimizerSpec.Level l) {
        Map<String, Object> config = new LinkedHashMap<>(l.values());
        config.putAll(l.lists());
        l.options().forEach((k, v) -> config.put(k, choice(p.choices(), k).isFlag() ? (Object) Boolean.valueOf(v) : v));
        return config;
    }

    /**
     * The tower levels of {@code spec}, bound to their update rules.
     *
     * @throws IllegalArgumentException if a level cannot be a tower level
     */
    public List<LevelSpec> levels(OptimizerSpec spec) {
        try {
            return towerLevels(spec);
        } catch (Problem p) {
            throw new SpecException("optimizer", spec.toString(), 0, p.getMessage());
        }
    }

    /**
     * Every hyperparameter's and option's value, defaults included, for records such as a run's
     * {@code config.json}: by name for one level, as {@code L<k>.<name>} for a tower; options as
     * booleans, numbers or words; {@code average} where given.
     */
    public Map<String, Object> hyperparameters(OptimizerSpec spec) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (spec.tower() || alwaysTower) {
            List<LevelSpec> levels = levels(spec);
            for (int k = 0; k < levels.size(); k++) {
                for (Map.Entry<String, Double> v : levels.get(k).values().entrySet()) {
                    values.put("L" + k + "." + v.getKey(), v.getValue());
                }
            }
        } else {
            OptimizerSpec.Level l = spec.levels().get(0);
            OptimizerProvider p = registry.provider(l.optimizer());
            p.hyperparameters().forEach(h -> values.put(h.name(), l.values().getOrDefault(h.name(), h.defaultValue())));
            p.choices().forEach(c -> values.put(c.name(), typed(l.options().getOrDefault(c.name(), c.defaultValue()))));
        }
        if (spec.average() != null) {
            values.put(AVERAGE, spec.average());
        }
        return values;
    }

    private static Object typed(String option) {
        if (option.equals("true") || option.equals("false")) {
            return Boolean.valueOf(option);
        }
        try {
            return Double.parseDouble(option);
        } catch (NumberFormatException e) {
            return option;
        }
    }

    // ---- resolution -------------------------------------------------------------------------

    /** A problem with a checked spec, at a level and key (null: the level as a whole). */
    private static final class Problem extends RuntimeException {
        final int level;
        final String key;

        Problem(int level, String key, String message) {
            super(message, null, false, false);
            this.level = level;
            this.key = key;
        }
    }

    /** The column of a problem found by {@link #check}: its key's argument, else its level's name. */
    private static int column(SpecParser.Spec syntax, OptimizerSpec spec, Problem p) {
        SpecParser.Level l = syntax.levels().get(p.level);
        for (SpecParser.Arg a : l.args()) {
            if (a.key() != null && a.key().equals(p.key)
                    || a.key() == null && p.key != null && p.key.equals(firstKey(spec.levels().get(p.level)))) {
                return a.column();
            }
        }
        return l.column();
    }

    private static String firstKey(OptimizerSpec.Level l) {
        return l.values().isEmpty() ? null : l.values().keySet().iterator().next();
    }

    /** The definitions a level's arguments are checked against. */
    private record Vocabulary(String optimizer, List<Hyperparameter> hyperparameters, List<HyperparameterList> lists,
                              List<Choice> choices, List<String> otherOptions) {
        List<String> names() {
            return Stream.of(hyperparameters.stream().map(Hyperparameter::name), lists.stream().map(HyperparameterList::name),
                    choices.stream().map(Choice::name), otherOptions.stream()).flatMap(s -> s).toList();
        }
    }

    private Draft draft(boolean tower, boolean gdtuoLevel, int index, String name, SpecParser.Spec syntax, int column) {
        try {
            return new Draft(tower, gdtuoLevel, index, name);
        } catch (IllegalArgumentException e) {
            throw syntax == null ? e : new SpecException("optimizer", syntax.text(), column, e.getMessage());
        }
    }

    private LevelCatalog catalog(boolean gdtuoLevel) {
        if (gdtuoLevel && gdtuo == null) {
            throw new IllegalArgumentException("gdtuo's conventions need a registry (OptimizerSpecs over an Optimizers)");
        }
        return gdtuoLevel ? gdtuo : towers;
    }

    /** The definitions of {@code optimizer} as a plain optimizer or a tower level. */
    private Vocabulary vocabulary(boolean tower, boolean gdtuoLevel, String optimizer) {
        if (tower) {
            List<String> arguments = catalog(gdtuoLevel).arguments(optimizer); // unknown or unusable: throws
            if (registry == null || gdtuoLevel) {
                List<Hyperparameter> h = catalog(gdtuoLevel).level(optimizer, null, Map.of()).hyperparameters();
                List<String> names = h.stream().map(Hyperparameter::name).toList();
                return new Vocabulary(optimizer, h, List.of(), List.of(),
                        arguments.stream().filter(a -> !names.contains(a)).toList());
            }
        }
        OptimizerProvider p = registry.provider(optimizer);
        return new Vocabulary(optimizer, p.hyperparameters(), p.hyperparameterLists(), p.choices(), List.of());
    }

    private static Choice choice(List<Choice> choices, String name) {
        return choices.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** A level being assembled from arguments; every argument is checked as it is put. */
    private final class Draft {
        final boolean tower;
        final int index;
        final Vocabulary vocabulary;
        final Map<String, Double> values = new LinkedHashMap<>();
        final Map<String, List<Double>> lists = new LinkedHashMap<>();
        final Map<String, String> options = new LinkedHashMap<>();
        final Map<String, ScheduleSpec> schedules = new LinkedHashMap<>();
        List<String> learn;
        boolean frozen;
        String average;

        Draft(boolean tower, boolean gdtuoLevel, int index, String optimizer) {
            this.tower = tower;
            this.index = index;
            this.vocabulary = vocabulary(tower, gdtuoLevel, optimizer);
        }

        /** Takes over {@code old}'s arguments that this level's optimizer also has. */
        void keep(OptimizerSpec.Level old, String oldAverage) {
            List<String> names = vocabulary.names();
            old.values().forEach((k, v) -> putIf(names.contains(k), k, v));
            old.lists().forEach((k, v) -> putIf(names.contains(k), k, v));
            old.options().forEach((k, v) -> putIf(names.contains(k), k, v));
            old.schedules().forEach((k, v) -> putIf(names.contains(k), SpecParser.SCHEDULE + k, v));
            learn = old.learn();
            frozen = old.frozen();
            average = oldAverage;
        }

        private void putIf(boolean known, String key, Object value) {
            if (known) {
                put(key, value);
            }
        }

        /** {@link #put}, refusing a hyperparameter given before (as the step size or by name). */
        void putNew(String key, Object value) {
            String h = key != null ? key : vocabulary.hyperparameters().isEmpty() ? null : vocabulary.hyperparameters().get(0).name();
            if (values.containsKey(h)) {
                throw new IllegalArgumentException("argument '" + h + "' is given twice");
            }
            put(key, value);
        }

        /**
         * Checks and records one argument.
         *
         * @param key the key, null for the positional step size
         * @param value as {@link SpecParser.Arg#value()}
         * @throws IllegalArgumentException naming the problem
         */
        void put(String key, Object value) {
            String o = vocabulary.optimizer();
            if (key == null) {
                if (vocabulary.hyperparameters().isEmpty()) {
                    throw new IllegalArgumentException(o + " has no hyperparameters, so no step size");
                }
                key = vocabulary.hyperparameters().get(0).name();
            }
            String h = key;
            Choice choice = choice(vocabulary.choices(), key);
            HyperparameterList list = vocabulary.lists().stream().filter(l -> l.name().equals(h)).findFirst().orElse(null);
            Hyperparameter real = vocabulary.hyperparameters().stream().filter(x -> x.name().equals(h)).findFirst()
                    .orElse(null);
            if (key.equals(LEARN) || key.equals(FROZEN)) {
                if (!tower) {
                    throw new IllegalArgumentException(key + " applies to tower levels, and " + o
                            + " is a single optimizer (a tower is written adam/sgd(1e-5))");
                }
                if (key.equals(LEARN)) {
                    String w = word(key, value, "hyperparameter names joined by '+', e.g. learn=lr+beta1");
                    learn = w.equals(NONE) ? List.of() : List.of(w.split("\\+"));
                } else {
                    String w = word(key, value, "true or false");
                    if (!w.equals("true") && !w.equals("false")) {
                        throw new IllegalArgumentException("frozen must be true or false, got " + w);
                    }
                    frozen = Boolean.parseBoolean(w);
                }
            } else if (key.equals(AVERAGE)) {
                if (index != 0) {
                    throw new IllegalArgumentException("average applies to the whole optimizer: give it on level 0");
                }
                average = word(key, value, "ema:DECAY or swa:START");
                ParameterAveraging.validate(average);
            } else if (key.startsWith(SpecParser.SCHEDULE)) {
                String target = key.substring(SpecParser.SCHEDULE.length());
                if (vocabulary.hyperparameters().stream().noneMatch(x -> x.name().equals(target))) {
                    throw new IllegalArgumentException(o + " has no hyperparameter '" + target + "' to schedule; it has "
                            + vocabulary.hyperparameters().stream().map(Hyperparameter::name).toList());
                }
                schedules.put(target, (ScheduleSpec) value);
            } else if (real != null) {
                if (!(value instanceof Double v)) {
                    throw new IllegalArgumentException("hyperparameter " + key + " of " + o + " needs a number, got " + value);
                }
                values.put(key, real.require(v));
            } else if (list != null) {
                List<Double> v = value instanceof Double d ? List.of(d) : value instanceof List<?> l ? numbers(l) : null;
                if (v == null) {
                    throw new IllegalArgumentException("hyperparameter " + key + " of " + o
                            + " needs a list of numbers such as [0.5, 0.9], got " + value);
                }
                lists.put(key, list.require(v));
            } else if (choice != null || vocabulary.otherOptions().contains(key)) {
                String w = value instanceof Double d ? SpecNumbers.format(d) : word(key, value, "a word");
                options.put(key, choice == null ? w : choice.require(w));
            } else {
                throw new IllegalArgumentException(unknown(key));
            }
        }

        /** Whether {@code key} names a hyperparameter, list, option or special key of this level. */
        boolean knows(String key) {
            return vocabulary.names().contains(key) || key.startsWith(SpecParser.SCHEDULE)
                    || List.of(LEARN, FROZEN, AVERAGE).contains(key);
        }

        String unknown(String key) {
            return vocabulary.optimizer() + " has no hyperparameter or option '" + key + "'; it has "
                    + String.join(", ", vocabulary.names()) + (tower ? ", and as a tower level " + LEARN + ", " + FROZEN : "");
        }

        private static List<Double> numbers(List<?> l) {
            return l.stream().map(Double.class::cast).toList();
        }

        private static String word(String key, Object value, String expected) {
            if (!(value instanceof String w)) {
                throw new IllegalArgumentException(key + " needs " + expected + ", got " + value);
            }
            return w;
        }

        /** The level, its arguments in definition order. */
        OptimizerSpec.Level level() {
            return new OptimizerSpec.Level(vocabulary.optimizer(),
                    ordered(values, vocabulary.hyperparameters().stream().map(Hyperparameter::name).toList()),
                    ordered(lists, vocabulary.lists().stream().map(HyperparameterList::name).toList()),
                    ordered(options, vocabulary.names()),
                    learn, frozen,
                    ordered(schedules, vocabulary.hyperparameters().stream().map(Hyperparameter::name).toList()));
        }

        private static <V> Map<String, V> ordered(Map<String, V> given, List<String> order) {
            Map<String, V> out = new LinkedHashMap<>();
            order.stream().filter(given::containsKey).forEach(k -> out.put(k, given.get(k)));
            return out;
        }
    }

    /** The checks that involve a whole level or several: cross-checks, learn lists, tower rules. */
    private void check(OptimizerSpec spec) {
        if (spec.tower() || alwaysTower) {
            towerLevels(spec);
            return;
        }
        OptimizerSpec.Level l = spec.levels().get(0);
        if (registry.provider(l.optimizer()) instanceof OptimizerDefinition d) {
            try {
                d.resolve(config(d, l));
            } catch (IllegalArgumentException e) {
                throw new Problem(0, null, e.getMessage());
            }
        }
    }

    private List<LevelSpec> towerLevels(OptimizerSpec spec) {
        List<LevelSpec> out = new ArrayList<>();
        int top = spec.levels().size() - 1;
        for (int k = 0; k <= top; k++) {
            OptimizerSpec.Level l = spec.levels().get(k);
            Map<String, Object> named = new LinkedHashMap<>(l.values());
            named.putAll(l.lists());
            named.putAll(l.options());
            LevelSpec level;
            try {
                level = catalog(spec.gdtuo()).level(l.optimizer(), null, named);
            } catch (IllegalArgumentException e) {
                throw new Problem(k, null, e.getMessage());
            }
            if (l.learn() != null) {
                try {
                    level = level.learning(l.learn().equals(List.of(ALL)) ? level.rule().hyperparameterScalars() : l.learn());
                } catch (IllegalArgumentException e) {
                    throw new Problem(k, LEARN, e.getMessage());
                }
            }
            level = level.frozen(l.frozen());
            for (String h : l.schedules().keySet()) {
                if (level.learnable().contains(h) && k < top) {
                    throw new Problem(k, SpecParser.SCHEDULE + h, "level " + k + " (" + l.optimizer() + ") has " + h
                            + " learned by level " + (k + 1) + ", so it cannot follow a schedule; drop " + h + " from its learn=");
                }
            }
            if (k == top && level.learnableGiven() && !level.learnable().isEmpty()) {
                throw new Problem(k, LEARN, "level " + k + " (" + l.optimizer() + ") is the rightmost level: nothing learns its "
                        + String.join("+", level.learnable()) + "; drop learn= or add a level");
            }
            if (k > 0 && !level.frozen() && !(level.values().get(level.stepSize()) > 0)) {
                throw new Problem(k, level.stepSize(), "level " + k + " (" + l.optimizer() + ") has " + level.stepSize()
                        + " = " + level.values().get(level.stepSize()) + ", but a learning level needs a step size > 0"
                        + " (write " + l.optimizer() + "(0, frozen) to keep the level on its left fixed)");
            }
            out.add(level);
        }
        return out;
    }
}
