package org.optopt.optimizers.trainable;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.SharedData;
import org.optopt.optimizers.golden.ErrorMeter;
import org.optopt.optimizers.golden.Json;
import org.optopt.optimizers.golden.QuarticProblem;

class TrainableGoldenTest {
    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"optopt-to-diag.json", "optopt-to-rank1.json"})
    void replays(String name) throws Exception {
        Assumptions.assumeTrue(SharedData.golden() != null, "no golden dir");
        Path f = SharedData.golden().resolve(name);
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(f));
        ErrorMeter meter = new ErrorMeter();
        ReferenceBackend be = new ReferenceBackend();
        try (QuarticProblem problem = new QuarticProblem(json, be);
             Optimizer opt = Optimizers.discover().provider((String) json.get("optimizer"))
                     .create(be, problem.parameterSet(), (Map<String, Object>) json.get("hyperparameters"))) {
            List<Object> trajectory = (List<Object>) json.get("trajectory");
            for (int t = 0; t < problem.steps(); t++) {
                problem.computeGradients(t);
                opt.step();
                Map<String, Object> expected = (Map<String, Object>) trajectory.get(t);
                for (Parameter p : problem.parameters()) {
                    List<Object> e = (List<Object>) expected.get(p.name());
                    double[] d = e.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
                    meter.compare("step " + (t + 1) + " " + p.name(), p.value().toArray(), d);
                }
            }
        }
        System.out.println(name + " maxRel " + meter.maxRel() + " at " + meter.worst());
        assertTrue(meter.maxRel() < 1e-5, meter.worst());
    }
}
