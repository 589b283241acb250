package org.optopt.tasks.suite;

import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.UnaryFn;
import org.optopt.tasks.nn.Init;
import org.optopt.tasks.nn.Mlp;
import org.optopt.tasks.nn.ParameterStore;

/**
 * A synthetic regression task needing no files: a fixed teacher MLP 10-32-1 (tanh, Glorot-uniform
 * weights from seed 2024) labels inputs x ~ N(0, I) (4096 training points from seed 1, 1024 test
 * points from seed 2); a student of the same architecture (PyTorch-default initialization from the
 * run seed) fits them by mean squared error. The teacher is realizable, so the optimal loss is 0.
 */
final class TeacherStudent {
    static final int[] WIDTHS = {10, 32, 1};
    static final int TRAIN = 4096;
    static final int TEST = 1024;

    private TeacherStudent() {}

    static TrainingProblem problem(Backend backend, long initSeed, long samplingSeed, int batchSize) {
        Tensor trainX = gaussian(backend, TRAIN, 1);
        Tensor testX = gaussian(backend, TEST, 2);
        Tensor trainY;
        Tensor testY;
        try (ParameterStore teacherParams = new ParameterStore(backend)) {
            Mlp teacher = new Mlp(teacherParams, WIDTHS, UnaryFn.TANH, null, Init.GLOROT_UNIFORM, 2024);
            trainY = label(backend, teacher, trainX);
            testY = label(backend, teacher, testX);
        }
        ParameterStore params = new ParameterStore(backend);
        Mlp student = new Mlp(params, WIDTHS, UnaryFn.TANH, null, Init.PYTORCH_DEFAULT, initSeed);
        return new DatasetProblem(params, student, Heads.meanSquaredError(trainY, testY), trainX, testX,
                new MiniBatchSampler(TRAIN, batchSize, false, samplingSeed), trainY, testY);
    }

    private static Tensor gaussian(Backend backend, int rows, long seed) {
        return backend.randomNormal(Shape.matrix(rows, WIDTHS[0]), 0, 1, new SplittableRandom(seed).nextLong());
    }

    private static Tensor label(Backend backend, Mlp teacher, Tensor x) {
        try (Tape tape = new Tape(backend)) {
            return backend.copy(teacher.forward(tape.constant(x)).value());
        }
    }
}
