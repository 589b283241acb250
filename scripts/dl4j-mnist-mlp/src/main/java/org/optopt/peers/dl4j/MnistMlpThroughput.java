package org.optopt.peers.dl4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Training throughput of DL4J on the step that {@code optopt bench task --task mnist-mlp} times:
 * MLP 784-128-10 (tanh hidden layer; softmax output with negative log-likelihood, DL4J's form of
 * log-softmax + NLL), Adam(lr = 1e-3), float32, data already in memory. Inputs are uniform in
 * [0, 1) and labels random one-hot vectors: the speed of these dense products does not depend on
 * the values. Warm-up steps, then timed {@code fit(DataSet)} calls; prints one JSON line with the
 * median step.
 *
 * <p>Arguments: {@code --threads N} (default 1), {@code --batch-size B} (default 128),
 * {@code --steps S} (default 300; the warm-up is max(30, S/5) steps, as in optopt's benchmark; DL4J
 * keeps JIT-compiling for several hundred steps, so comparisons pass a few thousand).
 * ND4J reads {@code OMP_NUM_THREADS} when it loads; the caller should set it to the same N.
 */
public final class MnistMlpThroughput {
    private static final int INPUTS = 784;
    private static final int HIDDEN = 128;
    private static final int CLASSES = 10;
    private static final int DISTINCT_BATCHES = 16;

    private MnistMlpThroughput() {
    }

    public static void main(String[] args) {
        int threads = 1;
        int batchSize = 128;
        int steps = 300;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            int value = positive(name, args[++i]);
            switch (name) {
                case "--threads" -> threads = value;
                case "--batch-size" -> batchSize = value;
                case "--steps" -> steps = value;
                default -> throw new IllegalArgumentException(
                        "unknown option " + name + " (known: --threads, --batch-size, --steps)");
            }
        }

        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getBlasWrapper().lapack();   // loads the BLAS backend before its thread count is set
        Nd4j.factory().blas().setMaxThreads(threads);

        MultiLayerNetwork net = new MultiLayerNetwork(configuration());
        net.init();
        DataSet[] batches = randomBatches(batchSize, new Random(0));

        for (int i = 0; i < Math.max(30, steps / 5); i++) {
            net.fit(batches[i % batches.length]);
        }
        double[] ms = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            net.fit(batches[i % batches.length]);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        if (!Double.isFinite(net.score())) {
            throw new IllegalStateException("training diverged: loss " + net.score());
        }
        Arrays.sort(ms);
        double median = ms[steps / 2];
        System.out.printf(Locale.ROOT,
                "{\"peer\": \"dl4j 1.0.0-M2.1\", \"threads\": %d, \"blas_threads\": %d, \"batch_size\": %d, "
                        + "\"step_ms\": %.4f, \"examples_per_s\": %.1f}%n",
                threads, Nd4j.factory().blas().getMaxThreads(), batchSize, median, batchSize / (median / 1e3));
    }

    private static MultiLayerConfiguration configuration() {
        return new NeuralNetConfiguration.Builder()
                .seed(0)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(HIDDEN).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                        .nIn(HIDDEN).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                .build();
    }

    private static DataSet[] randomBatches(int batchSize, Random random) {
        DataSet[] batches = new DataSet[DISTINCT_BATCHES];
        for (int b = 0; b < batches.length; b++) {
            float[] x = new float[batchSize * INPUTS];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat();
            }
            float[] y = new float[batchSize * CLASSES];
            for (int row = 0; row < batchSize; row++) {
                y[row * CLASSES + random.nextInt(CLASSES)] = 1f;
            }
            batches[b] = new DataSet(Nd4j.create(x, new long[] {batchSize, INPUTS}, DataType.FLOAT),
                    Nd4j.create(y, new long[] {batchSize, CLASSES}, DataType.FLOAT));
        }
        return batches;
    }

    private static int positive(String option, String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a positive integer, got '" + text + "'", e);
        }
        if (value < 1) {
            throw new IllegalArgumentException(option + " needs a positive integer, got " + value);
        }
        return value;
    }
}
