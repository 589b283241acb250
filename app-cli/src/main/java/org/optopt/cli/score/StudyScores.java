package org.optopt.cli.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.cli.study.Study;
import org.optopt.cli.study.StudyDirectory;
import org.optopt.cli.study.Trial;
import org.optopt.cli.study.Trials;

/**
 * A study's scores under AlgoPerf's two rulesets, in steps to the target (primary) and in training
 * seconds to it (evaluations excluded, as the runner measures them):
 * <ul>
 *   <li><b>external tuning</b>: for each task, optimizer and seed (a study repetition), the best
 *       (fastest) trial of the optimizer's sweep, chosen separately for steps and for seconds; the
 *       optimizer's time on the task is the median of these over the seeds;</li>
 *   <li><b>self tuning</b>: each optimizer at its defaults (its fixed settings, no sweep) with the
 *       enlarged budget; the median over seeds. Only for studies with {@code self_tuning}.</li>
 * </ul>
 * A trial that failed, is unfinished or never reached the target counts as infinitely slow.
 * Optimizers are named by their study entry's label ({@link Study#labels()}); an entry's seeds are
 * its own where it has them.
 *
 * @param optimizers the optimizers' names, in study order
 * @param tasks the tasks
 * @param rulesets the scores per ruleset ({@code external}, and {@code self} where the study has it)
 */
public record StudyScores(List<String> optimizers, List<String> tasks, Map<String, Ruleset> rulesets) {

    /**
     * One ruleset's times and profiles.
     *
     * @param steps median steps to target, by task then optimizer (infinite: not reached)
     * @param seconds median seconds to target, likewise
     */
    public record Ruleset(Map<String, Map<String, Double>> steps, Map<String, Map<String, Double>> seconds) {}

    /** Time to target of one trial, in steps and seconds (infinite: not reached). */
    private record Time(double steps, double seconds) {}

    /** Scores the study saved in {@code dir}. */
    public static StudyScores of(StudyDirectory dir, StudyDirectory.Saved saved) throws IOException {
        Study study = saved.study();
        List<String> names = names(study);
        Map<String, Ruleset> rulesets = new LinkedHashMap<>();
        rulesets.put("external", ruleset(dir, saved.trials(), false, study, names));
        if (study.selfTuningFactor() > 0) {
            rulesets.put("self", ruleset(dir, saved.trials(), true, study, names));
        }
        return new StudyScores(names, study.tasks(), rulesets);
    }

    private static Ruleset ruleset(StudyDirectory dir, List<Trial> trials, boolean selfTuning, Study study,
            List<String> names) throws IOException {
        Map<String, Map<String, Double>> steps = new LinkedHashMap<>();
        Map<String, Map<String, Double>> seconds = new LinkedHashMap<>();
        for (String task : study.tasks()) {
            Map<String, Double> st = new LinkedHashMap<>();
            Map<String, Double> se = new LinkedHashMap<>();
            for (int e = 0; e < names.size(); e++) {
                List<Long> seeds = Trials.seeds(study, study.optimizers().get(e));
                double[] bestSteps = new double[seeds.size()];
                double[] bestSeconds = new double[seeds.size()];
                for (int s = 0; s < seeds.size(); s++) {
                    long seed = seeds.get(s);
                    bestSteps[s] = Double.POSITIVE_INFINITY;
                    bestSeconds[s] = Double.POSITIVE_INFINITY;
                    for (Trial t : trials) {
                        if (t.task().equals(task) && t.entry() == e && t.seed() == seed && t.selfTuning() == selfTuning) {
                            Time time = time(dir.trialDirectory(t));
                            bestSteps[s] = Math.min(bestSteps[s], time.steps());
                            bestSeconds[s] = Math.min(bestSeconds[s], time.seconds());
                        }
                    }
                }
                st.put(names.get(e), Profiles.median(bestSteps));
                se.put(names.get(e), Profiles.median(bestSeconds));
            }
            steps.put(task, st);
            seconds.put(task, se);
        }
        return new Ruleset(steps, seconds);
    }

    private static Time time(Path run) throws IOException {
        Path metrics = run.resolve("metrics.json");
        Path status = run.resolve("STATUS");
        if (!Files.exists(metrics) || !Files.exists(status) || !Files.readString(status).strip().equals("complete")) {
            return new Time(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        JsonNode m = new ObjectMapper().readTree(metrics.toFile());
        JsonNode steps = m.get("steps_to_target");
        JsonNode seconds = m.get("seconds_to_target");
        if (steps == null || steps.isNull()) {
            return new Time(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        return new Time(steps.asDouble(), seconds == null || seconds.isNull() ? Double.POSITIVE_INFINITY : seconds.asDouble());
    }

    /** The entries' names ({@link Study#labels()}). */
    static List<String> names(Study study) {
        return study.labels();
    }
}
