package org.optopt.optimizers.golden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;

/**
 * A minimal replay of an {@code optopt-*.json} golden file (until the generic {@code optopt golden}
 * replay lands): the file's optimizer with its hyperparameters on its quartic problem; returns the
 * largest relative error ({@link ErrorMeter}) over the trajectory.
 */
public final class OptoptTrajectory {
    private OptoptTrajectory() {}

    /** The largest relative error of the replayed trajectory of {@code file} on {@code backend}. */
    public static ErrorMeter replay(Path file, Backend backend) throws IOException {
        Map<String, Object> json = JsonFields.object(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "$");
        String name = JsonFields.string(json.get("optimizer"), "$.optimizer");
        Map<String, Object> config = JsonFields.object(json.get("hyperparameters"), "$.hyperparameters");
        List<Object> trajectory = JsonFields.array(json.get("trajectory"), "$.trajectory");
        ErrorMeter meter = new ErrorMeter();
        try (QuarticProblem problem = new QuarticProblem(json, backend);
             Optimizer opt = Optimizers.discover().provider(name).create(backend, problem.parameterSet(), config)) {
            for (int t = 0; t < problem.steps(); t++) {
                problem.computeGradients(t);
                opt.step();
                Map<String, Object> expected = JsonFields.object(trajectory.get(t), "$");
                for (Parameter p : problem.parameters()) {
                    List<Object> e = JsonFields.array(expected.get(p.name()), "$");
                    double[] ref = e.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
                    meter.compare("step " + (t + 1) + " " + p.name(), p.value().toArray(), ref);
                }
            }
        }
        return meter;
    }
}
