package org.optopt.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.tasks.suite.TaskRegistry;

/**
 * The reproductions' study files under {@code studies/} parse and expand to the trials their
 * comments describe, in as many run directories as distinct configurations (a trial an entry
 * shares with another, such as a tuned rate's seed 0 and the sweep's trial at that rate, is one).
 */
class PaperStudiesTest {
    static final Path STUDIES = Path.of(System.getProperty("optopt.root", "..")).resolve("studies");

    @ParameterizedTest
    @CsvSource({
        // 18 table rows and 24 re-runs, 5 seeds
        "paper-b.yaml, 210, 210",
        // 4 heights x 9 initial step sizes x 3 seeds
        "paper-b-sensitivity.yaml, 108, 108",
        // 14 optimizers x 5 repetitions
        "paper-b-cost.yaml, 70, 70",
        // mnist-mlp: (9 + 3 x 3 + 6 + 3 x 2 + 1) x 3 seeds; teacher-student-mlp: (1 + 5) x 3; logreg-mnist: (1 + 4) x 3
        "paper-a.yaml, 126, 126",
        // sweeps 4 x 3 rates on seed 0 for each task; at the tuned rates x 3 seeds 7 configurations on
        // char-rnn-shakespeare and 4 on fmnist-2c2d, whose 4 + 2 seed-0 trials are sweep trials; then
        // adam(beta1=0.5) on char-rnn-shakespeare and fmnist-2c2d's 4 Adam-family configurations, x 3
        // seeds, 2 of whose seed-0 trials are sweep trials; greedy x 3 seeds and the char-rnn Adam grid
        // 3 rates x 3 seeds, 5 of whose trials are above
        "paper-a-gap.yaml, 84, 71",
        // ridge-toy 12 x 5; logistic regression 5 x 4 lr x 3 seeds x 2 tasks; fmnist-2c2d 7 x 2
        "paper-c.yaml, 194, 194",
    })
    void aReproductionStudyParsesAndExpands(String file, int trials, int directories) throws IOException {
        Study study = StudyFile.load(STUDIES.resolve(file), List.of());
        List<Trial> t = Trials.expand(study, TaskRegistry.standard()::get, "nd4j");
        assertEquals(trials, t.size());
        assertEquals(directories, t.stream().map(Trial::hash).distinct().count(),
                "every trial has its own directory, but for trials meant to be the same");
    }
}
