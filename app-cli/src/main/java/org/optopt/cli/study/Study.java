package org.optopt.cli.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.Budget;

/**
 * A study: which optimizers, with which hyperparameter sweeps, train which tasks over which seeds
 * and budget, and where the results go. Read from a YAML or JSON study file (see
 * {@code docs/studies.md} for the format) by {@link #from}, which checks every key and names the
 * first problem by file, line and key path.
 *
 * @param name the study's name
 * @param tasks task names
 * @param optimizers the optimizers and their sweeps
 * @param seeds the seeds every configuration runs with (the study's repetitions)
 * @param budget the training length, or null for each task's default
 * @param batchSize examples per step, 0 for each task's default
 * @param backend the backend's name, or null for the command line's choice
 * @param evaluations test-split evaluations per run
 * @param checkpointEvery steps between checkpoints
 * @param output the study directory
 * @param selfTuningFactor where positive, each optimizer also runs at its defaults with the budget
 *     multiplied by this factor (the self-tuning ruleset); 0 for none
 * @param interleaveSeeds whether trials run seed by seed (every configuration's first seed, then every
 *     second seed, ...) instead of configuration by configuration, so that a drift of the machine's
 *     load spreads over all configurations (for studies that compare step times)
 * @param threads threads of each trial's steps (data parallel, as {@code run --threads}); 1 by default
 * @param tree the resolved study as a tree (overrides applied), saved beside the results
 */
public record Study(String name, List<String> tasks, List<Entry> optimizers, List<Long> seeds, Budget budget,
        int batchSize, String backend, int evaluations, int checkpointEvery, Path output, double selfTuningFactor,
        boolean interleaveSeeds, int threads, Node tree) {

    /** Test-split evaluations per run when the file does not say. */
    public static final int DEFAULT_EVALUATIONS = 20;
    /** Steps between checkpoints when the file does not say. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 500;

    /** Copies the lists. */
    public Study {
        tasks = List.copyOf(tasks);
        optimizers = List.copyOf(optimizers);
        seeds = List.copyOf(seeds);
    }

    /**
     * Each entry's name in scores and reports: its label, else its spec, with {@code #k} (the entry's
     * index) appended where several unlabelled entries share a spec.
     */
    public List<String> labels() {
        List<String> out = new ArrayList<>();
        for (int e = 0; e < optimizers.size(); e++) {
            Entry entry = optimizers.get(e);
            long same = optimizers.stream().filter(x -> x.label() == null && x.spec().equals(entry.spec())).count();
            out.add(entry.label() != null ? entry.label() : same > 1 ? entry.spec() + "#" + e : entry.spec());
        }
        return out;
    }

    /**
     * One optimizer of a study and its sweep.
     *
     * @param spec the optimizer or tower as on the command line, e.g. {@code adam/sgd(1e-5)}
     * @param settings fixed settings, as {@code --set} gives them
     * @param grid hyperparameters swept over every combination of their values, in file order; a key
     *     naming several hyperparameters separated by commas ({@code "lr, level1.lr"}) gives them all
     *     the same value
     * @param sample quasi-random samples of further hyperparameters, or null
     * @param label the entry's name in scores and reports (unique in the study), or null for its spec
     *     (see {@link Study#labels()})
     * @param scope where the entry departs from the study's tasks, seeds, budget, batch size and evaluations
     * @param learned settings taken from an earlier entry's finished trials, or null
     * @param reference published values of the entry's results by metric name ({@code test_accuracy},
     *     {@code test_loss}), shown beside ours in the report
     * @param baseline the label of the entry whose time per step the report divides this entry's by, or null
     */
    public record Entry(String spec, Map<String, Object> settings, Map<String, Axis> grid, Sample sample,
            String label, Scope scope, Learned learned, Map<String, Double> reference, String baseline) {
        /** Copies the maps. */
        public Entry {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            grid = Collections.unmodifiableMap(new LinkedHashMap<>(grid));
            reference = Collections.unmodifiableMap(new LinkedHashMap<>(reference));
        }

        /** An entry with the study's scope, labelled by its spec, without learned settings, references or baseline. */
        public Entry(String spec, Map<String, Object> settings, Map<String, Axis> grid, Sample sample) {
            this(spec, settings, grid, sample, null, Scope.STUDY, null, Map.of(), null);
        }

        /** The hyperparameter names of a grid key ({@code "lr, level1.lr"} names two). */
        public static List<String> names(String gridKey) {
            return java.util.Arrays.stream(gridKey.split(",")).map(String::strip).toList();
        }
    }

    /**
     * Where an entry departs from its study; each null (or 0) field means "as the study says".
     *
     * @param tasks the study's tasks this entry trains, or null for all
     * @param seeds the entry's seeds, or null
     * @param budget the entry's budget, or null
     * @param batchSize the entry's batch size, or 0
     * @param evaluations the entry's evaluations per run, or 0
     */
    public record Scope(List<String> tasks, List<Long> seeds, Budget budget, int batchSize, int evaluations) {
        /** The study's scope unchanged. */
        public static final Scope STUDY = new Scope(null, null, null, 0, 0);
    }

    /**
     * Settings an entry takes from the end of another entry's trials: the hyperparameters' values in
     * the last row of each source trial's {@code steps.csv} (column {@code L<level>.<name>} of a
     * tower, else {@code <name>}), averaged over the source trials. The source trials are those of
     * the same task, and either every seed ({@link Combine#MEAN}) or the same seed
     * ({@link Combine#SEED}).
     *
     * @param from the index of the source entry (an earlier entry of the study)
     * @param hyperparameters the names taken, as settings of this entry
     * @param level the source tower's level the values come from (0: the model's optimizer)
     * @param combine which source trials each trial of this entry averages
     */
    public record Learned(int from, List<String> hyperparameters, int level, Combine combine) {
        /** Copies the list. */
        public Learned {
            hyperparameters = List.copyOf(hyperparameters);
        }
    }

    /** Which source trials a trial with learned settings reads. */
    public enum Combine {
        /** The source entry's trials of every seed, averaged: each seed of this entry runs the same values. */
        MEAN,
        /** The source entry's trial of the same seed: each seed runs its own source's values. */
        SEED
    }

    /** How quasi-random points are drawn. */
    public enum Method {
        /** The Sobol sequence (Joe and Kuo's direction numbers). */
        SOBOL,
        /** The Halton sequence (radical inverses in the first primes). */
        HALTON
    }

    /**
     * Quasi-random samples of hyperparameter ranges.
     *
     * @param method the sequence
     * @param count the number of points
     * @param space each hyperparameter's range, in file order (one dimension each)
     */
    public record Sample(Method method, int count, Map<String, Axis.Range> space) {
        /** Copies the map. */
        public Sample {
            space = Collections.unmodifiableMap(new LinkedHashMap<>(space));
        }
    }

    private static final Set<String> KEYS = Set.of("name", "tasks", "optimizers", "seeds", "budget", "batch_size",
            "backend", "evaluations", "checkpoint_every", "output", "self_tuning", "interleave_seeds", "threads");
    private static final Set<String> ENTRY_KEYS = Set.of("spec", "set", "grid", "sample", "label", "tasks", "seeds",
            "budget", "batch_size", "evaluations", "learned", "reference", "baseline");
    private static final Set<String> METRICS = Set.of("test_accuracy", "test_loss");

    /**
     * The study described by {@code root}.
     *
     * @param source the file's name, for messages
     * @throws StudyException naming the file, line and key path of the first problem
     */
    public static Study from(Node root, String source) {
        return new Reader(source).study(root);
    }

    /** Checks values and builds the study, remembering where each value came from. */
    private record Reader(String source) {
        Study study(Node root) {
            Map<String, Node> m = map(root, "");
            unknownKeys(m, KEYS, "");
            String name = string(required(m, "name", root, ""), "name");
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw fail(m.get("name"), "name", "expected letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            List<String> tasks = stringOrList(required(m, "tasks", root, ""), "tasks");
            Node opts = required(m, "optimizers", root, "");
            if (!opts.isList() || opts.list().isEmpty()) {
                throw fail(opts, "optimizers", "expected a non-empty list of optimizers");
            }
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < opts.list().size(); i++) {
                entries.add(entry(opts.list().get(i), "optimizers[" + i + "]", tasks, entries));
            }
            checkBaselines(opts, entries);
            List<Long> seeds = seeds(m.get("seeds"), "seeds");
            Budget budget = m.containsKey("budget") ? budget(m.get("budget"), "budget") : null;
            int batchSize = m.containsKey("batch_size") ? positiveInt(m.get("batch_size"), "batch_size") : 0;
            String backend = m.containsKey("backend") ? string(m.get("backend"), "backend") : null;
            int evaluations = m.containsKey("evaluations") ? positiveInt(m.get("evaluations"), "evaluations")
                    : DEFAULT_EVALUATIONS;
            int every = m.containsKey("checkpoint_every") ? positiveInt(m.get("checkpoint_every"), "checkpoint_every")
                    : DEFAULT_CHECKPOINT_EVERY;
            Path output = Path.of(m.containsKey("output") ? string(m.get("output"), "output") : "studies/" + name);
            double selfTuning = selfTuning(m.get("self_tuning"));
            boolean interleave = m.containsKey("interleave_seeds") && bool(m.get("interleave_seeds"), "interleave_seeds");
            int threads = m.containsKey("threads") ? positiveInt(m.get("threads"), "threads") : 1;
            return new Study(name, tasks, entries, seeds, budget, batchSize, backend, evaluations, every, output,
                    selfTuning, interleave, threads, root);
        }

        private Entry entry(Node n, String path, List<String> studyTasks, List<Entry> earlier) {
            Entry entry;
            if (n.value() instanceof String s) {
                entry = new Entry(spec(n, s, path), Map.of(), Map.of(), null);
            } else {
                entry = fullEntry(n, path, studyTasks, earlier);
            }
            for (Entry e : earlier) {
                if (entry.label() != null && (entry.label().equals(e.label()) || entry.label().equals(e.spec()))) {
                    throw fail(n, path, "label '" + entry.label() + "' names an earlier entry too; labels must be"
                            + " distinct from each other and from other entries' specs");
                }
            }
            return entry;
        }

        private Entry fullEntry(Node n, String path, List<String> studyTasks, List<Entry> earlier) {
            Map<String, Node> m = map(n, path);
            unknownKeys(m, ENTRY_KEYS, path + ".");
            String spec = spec(required(m, "spec", n, path + "."), string(m.get("spec"), path + ".spec"), path + ".spec");
            Map<String, Object> settings = new LinkedHashMap<>();
            if (m.containsKey("set")) {
                map(m.get("set"), path + ".set").forEach((k, v) -> settings.put(k, setting(v, path + ".set." + k)));
            }
            Map<String, Axis> grid = new LinkedHashMap<>();
            if (m.containsKey("grid")) {
                map(m.get("grid"), path + ".grid").forEach((k, v) -> {
                    if (Entry.names(k).stream().anyMatch(String::isEmpty)) {
                        throw fail(v, path + ".grid." + k, "expected hyperparameter names separated by commas");
                    }
                    grid.put(k, gridAxis(v, path + ".grid." + k));
                });
            }
            Sample sample = m.containsKey("sample") ? sample(m.get("sample"), path + ".sample") : null;
            String label = m.containsKey("label") ? string(m.get("label"), path + ".label") : null;
            Learned learned = m.containsKey("learned") ? learned(m.get("learned"), path + ".learned", earlier) : null;
            Map<String, Double> reference = new LinkedHashMap<>();
            if (m.containsKey("reference")) {
                map(m.get("reference"), path + ".reference").forEach((k, v) -> {
                    if (!METRICS.contains(k)) {
                        throw fail(v, path + ".reference." + k, "unknown metric; expected one of " + METRICS.stream()
                                .sorted().toList());
                    }
                    if (!(v.value() instanceof Double d) || !Double.isFinite(d)) {
                        throw fail(v, path + ".reference." + k, "expected a number, got " + describe(v));
                    }
                    reference.put(k, d);
                });
            }
            String baseline = m.containsKey("baseline") ? string(m.get("baseline"), path + ".baseline") : null;
            return new Entry(spec, settings, grid, sample, label, scope(m, path, studyTasks), learned, reference,
                    baseline);
        }

        private Scope scope(Map<String, Node> m, String path, List<String> studyTasks) {
            List<String> tasks = null;
            if (m.containsKey("tasks")) {
                tasks = stringOrList(m.get("tasks"), path + ".tasks");
                for (int i = 0; i < tasks.size(); i++) {
                    if (!studyTasks.contains(tasks.get(i))) {
                        throw fail(m.get("tasks"), path + ".tasks", "'" + tasks.get(i) + "' is not one of the study's"
                                + " tasks " + studyTasks);
                    }
                }
            }
            List<Long> seeds = m.containsKey("seeds") ? seeds(m.get("seeds"), path + ".seeds") : null;
            Budget budget = m.containsKey("budget") ? budget(m.get("budget"), path + ".budget") : null;
            int batch = m.containsKey("batch_size") ? positiveInt(m.get("batch_size"), path + ".batch_size") : 0;
            int evaluations = m.containsKey("evaluations") ? positiveInt(m.get("evaluations"), path + ".evaluations") : 0;
            return new Scope(tasks, seeds, budget, batch, evaluations);
        }

        /** {@code {from: LABEL, hyperparameters: [names], level: 0, combine: mean|seed}}. */
        private Learned learned(Node n, String path, List<Entry> earlier) {
            Map<String, Node> m = map(n, path);
            unknownKeys(m, Set.of("from", "hyperparameters", "level", "combine"), path + ".");
            Node fromNode = required(m, "from", n, path + ".");
            String from = string(fromNode, path + ".from");
            int source = find(earlier, from, fromNode, path + ".from", "earlier entry");
            Entry src = earlier.get(source);
            if (!src.grid().isEmpty() || src.sample() != null) {
                throw fail(fromNode, path + ".from", "entry '" + from + "' sweeps its settings; learned values come"
                        + " from an entry without a sweep");
            }
            List<String> names = stringOrList(required(m, "hyperparameters", n, path + "."), path + ".hyperparameters");
            int level = m.containsKey("level") ? nonNegativeInt(m.get("level"), path + ".level") : 0;
            String combine = m.containsKey("combine") ? string(m.get("combine"), path + ".combine") : "mean";
            if (!Set.of("mean", "seed").contains(combine)) {
                throw fail(m.get("combine"), path + ".combine", "expected mean or seed, got '" + combine + "'");
            }
            return new Learned(source, names, level, Combine.valueOf(combine.toUpperCase(Locale.ROOT)));
        }

        /** Every baseline names one entry. */
        private void checkBaselines(Node opts, List<Entry> entries) {
            for (int i = 0; i < entries.size(); i++) {
                String b = entries.get(i).baseline();
                if (b != null) {
                    find(entries, b, opts.list().get(i).map().get("baseline"), "optimizers[" + i + "].baseline", "entry");
                }
            }
        }

        /** The index of the one entry of {@code entries} with label {@code name}, or without a label and spec {@code name}. */
        private int find(List<Entry> entries, String name, Node at, String path, String what) {
            List<Integer> found = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (name.equals(e.label()) || e.label() == null && name.equals(e.spec())) {
                    found.add(i);
                }
            }
            if (found.size() != 1) {
                throw fail(at, path, (found.isEmpty() ? "no " + what + " is labelled '" : "several entries are named '")
                        + name + "'" + (found.isEmpty() ? "" : "; give them labels"));
            }
            return found.get(0);
        }

        private boolean bool(Node n, String path) {
            if (n.value() instanceof Boolean b) {
                return b;
            }
            throw fail(n, path, "expected true or false, got " + describe(n));
        }

        private int nonNegativeInt(Node n, String path) {
            if (!(n.value() instanceof Double d) || d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
                throw fail(n, path, "expected a non-negative integer, got " + describe(n));
            }
            return d.intValue();
        }

        private String spec(Node n, String text, String path) {
            try {
                OptimizerSpecs.checkSyntax(text);
                return text.strip();
            } catch (IllegalArgumentException e) {
                throw fail(n, path, e.getMessage());
            }
        }

        private Object setting(Node n, String path) {
            if (n.value() instanceof Double || n.value() instanceof Boolean || n.value() instanceof String) {
                return n.value();
            }
            throw fail(n, path, "expected a number, a boolean or a string");
        }

        /** A list of values, or {@code {log: [from, to, count]}} or {@code {linear: [from, to, count]}}. */
        private Axis gridAxis(Node n, String path) {
            if (n.isList()) {
                if (n.list().isEmpty()) {
                    throw fail(n, path, "expected a non-empty list of values");
                }
                return new Axis.Values(n.list().stream().map(v -> setting(v, path)).toList());
            }
            if (n.isMap() && n.map().size() == 1) {
                var e = n.map().entrySet().iterator().next();
                boolean log = e.getKey().equals("log");
                if (log || e.getKey().equals("linear")) {
                    double[] v = numbers(e.getValue(), path + "." + e.getKey(), 3,
                            "expected [from, to, count]");
                    if (v[2] < 1 || v[2] != Math.rint(v[2])) {
                        throw fail(e.getValue(), path + "." + e.getKey(), "count must be a positive integer, got " + v[2]);
                    }
                    checkRange(e.getValue(), path + "." + e.getKey(), v[0], v[1], log);
                    return new Axis.Grid(v[0], v[1], (int) v[2], log);
                }
            }
            throw fail(n, path, "expected a list of values, {log: [from, to, count]} or {linear: [from, to, count]}");
        }

        private Sample sample(Node n, String path) {
            Map<String, Node> m = map(n, path);
            unknownKeys(m, Set.of("method", "count", "space"), path + ".");
            String method = m.containsKey("method") ? string(m.get("method"), path + ".method") : "sobol";
            Method mt;
            try {
                mt = Method.valueOf(method.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw fail(m.get("method"), path + ".method", "expected sobol or halton, got '" + method + "'");
            }
            int count = positiveInt(required(m, "count", n, path + "."), path + ".count");
            Map<String, Axis.Range> space = new LinkedHashMap<>();
            map(required(m, "space", n, path + "."), path + ".space").forEach((k, v) -> {
                String p = path + ".space." + k;
                if (!v.isMap() || v.map().size() != 1
                        || !Set.of("uniform", "log-uniform").contains(v.map().keySet().iterator().next())) {
                    throw fail(v, p, "expected {uniform: [from, to]} or {log-uniform: [from, to]}");
                }
                var e = v.map().entrySet().iterator().next();
                boolean log = e.getKey().equals("log-uniform");
                double[] r = numbers(e.getValue(), p + "." + e.getKey(), 2, "expected [from, to]");
                checkRange(e.getValue(), p + "." + e.getKey(), r[0], r[1], log);
                space.put(k, new Axis.Range(r[0], r[1], log));
            });
            if (space.isEmpty()) {
                throw fail(m.get("space"), path + ".space", "expected at least one hyperparameter");
            }
            return new Sample(mt, count, space);
        }

        private void checkRange(Node n, String path, double from, double to, boolean log) {
            if (log && (from <= 0 || to <= 0)) {
                throw fail(n, path, "a log scale needs positive ends, got " + from + " and " + to);
            }
        }

        private List<Long> seeds(Node n, String path) {
            if (n == null) {
                return List.of(0L);
            }
            if (n.value() instanceof Double) {
                int count = positiveInt(n, path);
                List<Long> out = new ArrayList<>();
                for (long s = 0; s < count; s++) {
                    out.add(s);
                }
                return out;
            }
            if (n.isList() && !n.list().isEmpty()) {
                List<Long> out = new ArrayList<>();
                for (int i = 0; i < n.list().size(); i++) {
                    Node s = n.list().get(i);
                    if (!(s.value() instanceof Double d) || d != Math.rint(d)) {
                        throw fail(s, path + "[" + i + "]", "expected an integer seed");
                    }
                    out.add(d.longValue());
                }
                if (out.stream().distinct().count() != out.size()) {
                    throw fail(n, path, "seeds must be distinct, got " + out);
                }
                return out;
            }
            throw fail(n, path, "expected a number of seeds or a list of integer seeds");
        }

        private Budget budget(Node n, String path) {
            Map<String, Node> m = map(n, path);
            if (m.size() != 1 || !(m.containsKey("steps") || m.containsKey("epochs"))) {
                throw fail(n, path, "expected {steps: N} or {epochs: N}");
            }
            return m.containsKey("steps") ? Budget.steps(positiveInt(m.get("steps"), path + ".steps"))
                    : Budget.epochs(positiveInt(m.get("epochs"), path + ".epochs"));
        }

        /** {@code false}/absent (none), {@code true} (factor 1.5) or {@code {budget_factor: x}}. */
        private double selfTuning(Node n) {
            if (n == null || Boolean.FALSE.equals(n.value())) {
                return 0;
            }
            if (Boolean.TRUE.equals(n.value())) {
                return 1.5;
            }
            Map<String, Node> m = map(n, "self_tuning");
            unknownKeys(m, Set.of("budget_factor"), "self_tuning.");
            Node f = required(m, "budget_factor", n, "self_tuning.");
            if (!(f.value() instanceof Double d) || !(d >= 1)) {
                throw fail(f, "self_tuning.budget_factor", "expected a number of at least 1");
            }
            return d;
        }

        private double[] numbers(Node n, String path, int count, String expected) {
            if (!n.isList() || n.list().size() != count
                    || !n.list().stream().allMatch(v -> v.value() instanceof Double d && Double.isFinite(d))) {
                throw fail(n, path, expected);
            }
            return n.list().stream().mapToDouble(v -> (Double) v.value()).toArray();
        }

        private int positiveInt(Node n, String path) {
            if (!(n.value() instanceof Double d) || d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
                throw fail(n, path, "expected a positive integer, got " + describe(n));
            }
            return d.intValue();
        }

        private String string(Node n, String path) {
            if (n.value() instanceof String s && !s.isBlank()) {
                return s;
            }
            throw fail(n, path, "expected a string, got " + describe(n));
        }

        private List<String> stringOrList(Node n, String path) {
            if (n.value() instanceof String s && !s.isBlank()) {
                return List.of(s);
            }
            if (n.isList() && !n.list().isEmpty()) {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < n.list().size(); i++) {
                    out.add(string(n.list().get(i), path + "[" + i + "]"));
                }
                return out;
            }
            throw fail(n, path, "expected a name or a non-empty list of names");
        }

        private Map<String, Node> map(Node n, String path) {
            if (!n.isMap()) {
                throw fail(n, path.isEmpty() ? "(top level)" : path, "expected a mapping of keys to values");
            }
            return n.map();
        }

        private Node required(Map<String, Node> m, String key, Node parent, String prefix) {
            Node n = m.get(key);
            if (n == null) {
                throw fail(parent, prefix + key, "missing");
            }
            return n;
        }

        private void unknownKeys(Map<String, Node> m, Set<String> allowed, String prefix) {
            for (var e : m.entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    throw fail(e.getValue(), prefix + e.getKey(), "unknown key; expected one of "
                            + allowed.stream().sorted().toList());
                }
            }
        }

        private StudyException fail(Node n, String path, String problem) {
            String where = n == null || n.line() == 0 ? "--set study." + path : source + ":" + n.line() + ": " + path;
            return new StudyException(where + ": " + problem);
        }

        private static String describe(Node n) {
            if (n.isMap()) {
                return "a mapping";
            }
            if (n.isList()) {
                return "a list";
            }
            return n.value() == null ? "nothing" : "'" + n.plain() + "'";
        }
    }
}
