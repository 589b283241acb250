package org.optopt.tasks.suite;

import org.optopt.api.optim.Parameter;

/** Plain SGD for the suite's tests: {@code p -= lr * grad} with {@code axpyInPlace}. */
final class Sgd {
    private Sgd() {}

    /** Runs {@code steps} steps; returns the mean training loss of the last {@code min(steps, 20)} steps. */
    static double train(TrainingProblem problem, double lr, long steps) {
        double recent = 0;
        int counted = 0;
        for (long t = 0; t < steps; t++) {
            problem.nextBatch();
            double loss = problem.lossAndGradient();
            for (Parameter p : problem.parameters().parameters()) {
                problem.backend().axpyInPlace((float) -lr, p.gradient(), p.value());
            }
            if (t >= steps - 20) {
                recent += loss;
                counted++;
            }
        }
        return recent / counted;
    }
}
