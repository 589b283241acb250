package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.support.HeapBackend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.Sums;
import org.optopt.tasks.nn.ParameterStore;

/**
 * Data-parallel steps ({@link TrainingProblem#setThreads}) on the suite's network tasks over small
 * random data sets: the loss and every gradient equal the one-thread computation's within float
 * rounding (the shards change only the order of additions) for dense, convolutional and LSTM
 * networks, uneven shards and batches smaller than the thread count included; and two runs on the
 * same thread count are bit-identical.
 */
class DataParallelTest {
    private final Backend be = new ReferenceBackend();

    /** 28x28 images with pixels in [0, 255] and ten classes, seeded. */
    private static Examples images(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[rows * 784];
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextInt(256);
        }
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(10);
        }
        return new Examples(f, 784, labels, 10);
    }

    private static DataSource data() {
        Examples[] mnist = {images(40, 1), images(10, 2)};
        return new FakeDataSource(Map.of("mnist", mnist, "fashion-mnist", mnist),
                Map.of("tinyshakespeare", "First Citizen: before we proceed any further, hear me speak. ".repeat(30)));
    }

    private TrainingProblem problem(String task, int batch, int threads) throws IOException {
        TrainingProblem p = TaskRegistry.standard().get(task).instantiate(be, data(), 4, batch);
        assertEquals(threads, p.setThreads(threads));
        return p;
    }

    @ParameterizedTest(name = "{0}, batch {1}, {2} threads")
    @CsvSource({
            "mnist-mlp, 8, 2", "mnist-mlp, 7, 3", "mnist-mlp, 2, 3", "logreg-mnist, 5, 2",
            "fmnist-2c2d, 3, 2", "char-rnn-shakespeare, 3, 2"})
    void shardedGradientsEqualTheSerialOnes(String task, int batch, int threads) throws IOException {
        try (TrainingProblem serial = problem(task, batch, 1); TrainingProblem sharded = problem(task, batch, threads)) {
            for (int step = 0; step < 2; step++) {
                serial.nextBatch();
                sharded.nextBatch();
                double expected = serial.lossAndGradient();
                double loss = sharded.lossAndGradient();
                assertEquals(expected, loss, 1e-6 * Math.abs(expected), "loss at step " + step);
                List<Parameter> ps = serial.parameters().parameters();
                List<Parameter> qs = sharded.parameters().parameters();
                for (int i = 0; i < ps.size(); i++) {
                    float[] g = ps.get(i).gradient().toArray();
                    float[] h = qs.get(i).gradient().toArray();
                    float scale = 0;
                    for (float v : g) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertTrue(scale > 0, ps.get(i).name() + " has a gradient");
                    for (int k = 0; k < g.length; k++) {
                        assertEquals(g[k], h[k], 1e-5f * scale, ps.get(i).name() + "[" + k + "] at step " + step);
                    }
                }
                step(serial);
                step(sharded);
            }
        }
    }

    @Test
    void twoRunsOnTwoThreadsAreBitIdentical() throws IOException {
        List<float[]> first = train("mnist-mlp", 9, 2);
        List<float[]> second = train("mnist-mlp", 9, 2);
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i));
        }
    }

    @Test
    void aBadThreadCountIsRefused() throws IOException {
        try (TrainingProblem p = TaskRegistry.standard().get("mnist-mlp").instantiate(be, data(), 4, 8)) {
            assertEquals("threads must be at least 1, got 0",
                    assertThrows(IllegalArgumentException.class, () -> p.setThreads(0)).getMessage());
        }
    }

    @Test
    void aBackendThatCannotBeUsedFromSeveralThreadsIsRefused() throws IOException {
        Backend serial = new HeapBackend() {
            @Override
            public String name() {
                return "serial";
            }
        };
        try (TrainingProblem p = TaskRegistry.standard().get("mnist-mlp").instantiate(serial, data(), 4, 8)) {
            assertEquals("Backend serial cannot be used from several threads at once; data-parallel steps on 2 threads"
                    + " need a backend that can (nd4j)",
                    assertThrows(IllegalArgumentException.class, () -> p.setThreads(2)).getMessage());
            assertEquals(1, p.setThreads(1));
        }
    }

    @Test
    void problemsWithoutMiniBatchShardsStayOnOneThread() throws IOException {
        try (TrainingProblem p = TaskRegistry.standard().get("noisy-quadratic").instantiate(be, data(), 4)) {
            assertEquals(1, p.setThreads(2));
        }
    }

    /**
     * A step whose shard 0 fails after shard 1 wrote its gradient buffer leaves nothing behind: the
     * next step's gradient is exact. The loss of examples {@code [from, to)} is {@code sum(w)} times
     * the mean of {@code i + 1} over them, so the batch's gradient is the mean of 1..4, 2.5, in every entry.
     */
    @Test
    void aFailedStepDoesNotLeakIntoTheNext() {
        try (ParameterStore store = new ParameterStore(be)) {
            store.add("w", be.fromArray(new float[] {1, 2, 3, 4}, Shape.vector(4)));
            DataParallel.ShardLoss loss = (tape, from, to) -> Elementwise.scale(
                    Sums.sum(ParameterStore.bind(tape, store.get("w"))), (from + to + 1) / 2.0);
            try (DataParallel parallel = new DataParallel(store, 2)) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> parallel.lossAndGradient(4, (tape, from, to) -> {
                            if (from == 0) {
                                throw new IllegalStateException("shard 0 fails");
                            }
                            return loss.loss(tape, from, to);
                        }));
                assertEquals("shard 0 fails", e.getMessage());
                for (int step = 0; step < 2; step++) {
                    assertEquals(25, parallel.lossAndGradient(4, loss), 1e-12, "2.5 * (1 + 2 + 3 + 4)");
                    assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f}, store.get("w").gradient().toArray());
                }
            }
        }
    }

    /** Final parameter values after five SGD steps. */
    private List<float[]> train(String task, int batch, int threads) throws IOException {
        try (TrainingProblem p = problem(task, batch, threads)) {
            for (int t = 0; t < 5; t++) {
                p.nextBatch();
                p.lossAndGradient();
                step(p);
            }
            List<float[]> values = new ArrayList<>();
            p.parameters().parameters().forEach(q -> values.add(q.value().toArray()));
            return values;
        }
    }

    private static void step(TrainingProblem p) {
        for (Parameter q : p.parameters().parameters()) {
            p.backend().axpyInPlace(-0.1f, q.gradient(), q.value());
        }
    }
}
