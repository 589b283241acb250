package org.optopt.optimizers.golden;

import java.util.List;
import java.util.Map;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;

/**
 * The field {@code trajectory} of a golden file, common to every format: {@code trajectory[t][name]}
 * holds parameter {@code name} after step t+1, flattened row-major.
 */
final class Trajectory {
    private final List<Object> steps;

    /**
     * Reads {@code $.trajectory}.
     *
     * @throws IllegalArgumentException if it is missing, not an array, or of another length than {@code steps}
     */
    Trajectory(Map<String, Object> json, int steps) {
        this.steps = JsonFields.array(JsonFields.field(json, "trajectory", "$"), "$.trajectory");
        if (this.steps.size() != steps) {
            throw new IllegalArgumentException("Field $.trajectory has " + this.steps.size() + " steps, $.steps is " + steps);
        }
    }

    /** Steps {@code optimizer} through the problem, comparing the parameters after every step. */
    void replay(QuarticProblem problem, Optimizer optimizer, ErrorMeter meter) {
        for (int t = 0; t < problem.steps(); t++) {
            problem.computeGradients(t);
            optimizer.step();
            compare(t, problem.parameters(), meter);
        }
    }

    /** Compares every parameter with its reference after step {@code t + 1}. */
    void compare(int t, List<Parameter> parameters, ErrorMeter meter) {
        String at = "$.trajectory[" + t + "]";
        Map<String, Object> expected = JsonFields.object(steps.get(t), at);
        for (Parameter p : parameters) {
            meter.compare("step " + (t + 1) + " " + p.name(), p.value().toArray(),
                    doubles(JsonFields.field(expected, p.name(), at), at + "." + p.name()));
        }
    }

    /** The numbers of a JSON array. */
    static double[] doubles(Object v, String path) {
        List<Object> a = JsonFields.array(v, path);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = JsonFields.number(a.get(i), path + "[" + i + "]");
        }
        return out;
    }
}
