package org.optopt.cli.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.random.HaltonSequenceGenerator;
import org.apache.commons.math3.random.RandomVectorGenerator;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.Task;

/**
 * Expands a study into its trials, in a fixed order: task, optimizer entry, sweep point, seed (with
 * {@code interleave_seeds}: seed first, then task, entry, sweep point); then, with the self-tuning
 * ruleset, each entry's defaults-only runs at the enlarged budget. An entry's scope (its tasks,
 * seeds, budget, batch size, evaluations) overrides the study's; a trial with learned settings
 * names its source trials (same task; every seed, or its own seed).
 *
 * <p>A sweep point combines every value of every grid axis (the first axis varies slowest) with
 * each quasi-random sample. Samples come from Apache Commons Math's Sobol generator or its Halton
 * generator in the plain form (bases the first primes, no digit scrambling, so that points can be
 * checked by hand) over the sample space's dimensions; the sequence's first point, the origin, is skipped (it would put
 * every hyperparameter at the lower end of its range) and the point {@code u} maps to
 * {@code from + u (to - from)} or, on a log scale, to {@code exp(log from + u (log to - log from))}.
 */
public final class Trials {
    private Trials() {}

    /**
     * The trials of {@code study} on {@code backend}.
     *
     * @param tasks resolves task names (for default budgets and batch sizes)
     * @throws IllegalArgumentException on an unknown task
     */
    public static List<Trial> expand(Study study, Function<String, Task> tasks, String backend) {
        List<Trial> out = new ArrayList<>();
        Map<String, List<List<Trial>>> byTaskAndEntry = new LinkedHashMap<>();
        for (String name : study.tasks()) {
            Task task = tasks.apply(name);
            List<List<Trial>> entries = new ArrayList<>();
            byTaskAndEntry.put(name, entries);
            for (int e = 0; e < study.optimizers().size(); e++) {
                Study.Entry entry = study.optimizers().get(e);
                Study.Scope scope = entry.scope();
                List<Trial> ofEntry = new ArrayList<>();
                entries.add(ofEntry);
                if (scope.tasks() != null && !scope.tasks().contains(name)) {
                    continue;
                }
                Budget budget = scope.budget() != null ? scope.budget()
                        : study.budget() != null ? study.budget() : task.defaultBudget();
                int batch = scope.batchSize() > 0 ? scope.batchSize()
                        : study.batchSize() > 0 ? study.batchSize() : task.defaultBatchSize();
                int evaluations = scope.evaluations() > 0 ? scope.evaluations() : study.evaluations();
                StudyOptimizer base = StudyOptimizer.of(entry.spec()).with(entry.settings());
                for (Map<String, Object> point : points(entry)) {
                    for (long seed : seeds(study, entry)) {
                        ofEntry.add(new Trial(0, e, name, base.with(point), seed, budget, batch, evaluations, backend,
                                study.threads(), false, learned(entry.learned(), entries, seed)));
                    }
                }
            }
        }
        List<Trial> ordered = new ArrayList<>();
        byTaskAndEntry.values().forEach(entries -> entries.forEach(ordered::addAll));
        if (study.interleaveSeeds()) {
            // stable: within one seed the order stays task, entry, sweep point
            ordered.sort(java.util.Comparator.comparingInt(t -> seeds(study, study.optimizers().get(t.entry()))
                    .indexOf(t.seed())));
        }
        ordered.forEach(t -> out.add(at(out.size(), t)));
        if (study.selfTuningFactor() > 0) {
            for (String name : study.tasks()) {
                Task task = tasks.apply(name);
                Budget b = study.budget() != null ? study.budget() : task.defaultBudget();
                Budget enlarged = new Budget((long) Math.ceil(b.count() * study.selfTuningFactor()), b.unit());
                int batch = study.batchSize() > 0 ? study.batchSize() : task.defaultBatchSize();
                for (int e = 0; e < study.optimizers().size(); e++) {
                    Study.Entry entry = study.optimizers().get(e);
                    if (entry.learned() != null
                            || entry.scope().tasks() != null && !entry.scope().tasks().contains(name)) {
                        continue; // settings learned by other trials are not defaults
                    }
                    StudyOptimizer defaults = StudyOptimizer.of(entry.spec()).with(entry.settings());
                    for (long seed : seeds(study, entry)) {
                        out.add(new Trial(out.size(), e, name, defaults, seed, enlarged, batch, study.evaluations(),
                                backend, study.threads(), true, null));
                    }
                }
            }
        }
        return out;
    }

    /** The entry's seeds, else the study's. */
    public static List<Long> seeds(Study study, Study.Entry entry) {
        return entry.scope().seeds() != null ? entry.scope().seeds() : study.seeds();
    }

    /** {@code t} at position {@code index} of the trial order, its learned sources renumbered alike. */
    private static Trial at(int index, Trial t) {
        return new Trial(index, t.entry(), t.task(), t.optimizer(), t.seed(), t.budget(), t.batchSize(),
                t.evaluations(), t.backend(), t.threads(), t.selfTuning(), t.learned());
    }

    /** The sources of a trial of an entry with learned settings (null without). */
    private static Trial.Learned learned(Study.Learned learned, List<List<Trial>> entries, long seed) {
        if (learned == null) {
            return null;
        }
        List<Trial> sources = entries.get(learned.from()).stream()
                .filter(t -> learned.combine() == Study.Combine.MEAN || t.seed() == seed).toList();
        return new Trial.Learned(sources, learned.hyperparameters(), learned.level());
    }

    /** Every setting combination of an entry's sweep (one empty combination without a sweep). */
    static List<Map<String, Object>> points(Study.Entry entry) {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(Map.of());
        for (Map.Entry<String, Axis> axis : entry.grid().entrySet()) {
            List<Object> values = axis.getValue().values();
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> p : points) {
                for (Object v : values) {
                    Map<String, Object> q = new LinkedHashMap<>(p);
                    Study.Entry.names(axis.getKey()).forEach(k -> q.put(k, v));
                    next.add(q);
                }
            }
            points = next;
        }
        if (entry.sample() == null) {
            return points;
        }
        List<Map<String, Object>> samples = samples(entry.sample());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> p : points) {
            for (Map<String, Object> s : samples) {
                Map<String, Object> q = new LinkedHashMap<>(p);
                q.putAll(s);
                out.add(q);
            }
        }
        return out;
    }

    /** The first {@code n} primes (the Halton bases). */
    private static int[] primes(int n) {
        int[] out = new int[n];
        int found = 0;
        for (int k = 2; found < n; k++) {
            boolean prime = true;
            for (int i = 0; i < found && out[i] * out[i] <= k; i++) {
                prime &= k % out[i] != 0;
            }
            if (prime) {
                out[found++] = k;
            }
        }
        return out;
    }

    /** The sample's points, in sequence order. */
    static List<Map<String, Object>> samples(Study.Sample sample) {
        int dims = sample.space().size();
        RandomVectorGenerator g = sample.method() == Study.Method.SOBOL ? new SobolSequenceGenerator(dims)
                : new HaltonSequenceGenerator(dims, primes(dims), null);
        g.nextVector(); // the origin
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < sample.count(); i++) {
            double[] u = g.nextVector();
            Map<String, Object> point = new LinkedHashMap<>();
            int d = 0;
            for (Map.Entry<String, Axis.Range> r : sample.space().entrySet()) {
                point.put(r.getKey(), r.getValue().at(u[d++]));
            }
            out.add(point);
        }
        return out;
    }
}
