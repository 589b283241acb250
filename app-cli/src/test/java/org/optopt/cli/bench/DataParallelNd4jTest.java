package org.optopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.tasks.suite.DataRequirement;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Examples;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Data-parallel steps on the nd4j backend, whose shards call OpenBLAS and the generated kernels
 * from two Java threads at once: on random images, the gradients of two threads equal one
 * thread's within float rounding, and two two-thread runs are bit-identical (no race between the
 * shards). The task tests check the same on the reference backend, for every network kind.
 */
class DataParallelNd4jTest {
    /** Random 28x28 images with ten classes, as both MNIST sets. */
    private static final DataSource IMAGES = new DataSource() {
        @Override
        public boolean isAvailable(DataRequirement requirement) {
            return true;
        }

        @Override
        public Examples labeled(String dataSet, Split split) {
            SplittableRandom r = new SplittableRandom(split.ordinal());
            int rows = 64;
            float[] f = new float[rows * 784];
            for (int i = 0; i < f.length; i++) {
                f[i] = r.nextInt(256);
            }
            return new Examples(f, 784, r.ints(rows, 0, 10).toArray(), 10);
        }

        @Override
        public String text(String dataSet) {
            throw new IllegalArgumentException("no texts here");
        }
    };

    @ParameterizedTest
    @CsvSource({"mnist-mlp, 33, 1e-5", "fmnist-2c2d, 9, 1e-5"})
    void twoThreadsMatchOneAndRepeatThemselvesExactly(String task, int batch, float tolerance) throws IOException {
        try (Backend nd4j = Backends.discover().create("nd4j", Map.of())) {
            List<float[]> one = gradients(nd4j, task, batch, 1);
            List<float[]> two = gradients(nd4j, task, batch, 2);
            List<float[]> again = gradients(nd4j, task, batch, 2);
            for (int i = 0; i < one.size(); i++) {
                assertArrayEquals(two.get(i), again.get(i), "parameter " + i + ": two runs on two threads");
                float scale = 0;
                float worst = 0;
                for (int k = 0; k < one.get(i).length; k++) {
                    scale = Math.max(scale, Math.abs(one.get(i)[k]));
                    worst = Math.max(worst, Math.abs(one.get(i)[k] - two.get(i)[k]));
                }
                assertTrue(worst <= tolerance * scale, "parameter " + i + ": two threads differ from one by " + worst
                        + ", " + worst / scale + " of the largest entry");
            }
        }
    }

    /** Every parameter's gradient at the first batch. */
    private static List<float[]> gradients(Backend backend, String task, int batch, int threads) throws IOException {
        try (TrainingProblem p = TaskRegistry.standard().get(task).instantiate(backend, IMAGES, 1, batch)) {
            p.setThreads(threads);
            p.nextBatch();
            p.lossAndGradient();
            List<float[]> grads = new ArrayList<>();
            p.parameters().parameters().forEach(q -> grads.add(q.gradient().toArray()));
            return grads;
        }
    }
}
