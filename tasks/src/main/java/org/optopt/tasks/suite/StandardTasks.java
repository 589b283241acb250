package org.optopt.tasks.suite;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.UnaryFn;
import org.optopt.tasks.nn.ConvNet2c2d;
import org.optopt.tasks.nn.Init;
import org.optopt.tasks.nn.Linear;
import org.optopt.tasks.nn.Mlp;
import org.optopt.tasks.nn.Network;
import org.optopt.tasks.nn.ParameterStore;

/** The definitions of the suite's tasks. */
final class StandardTasks {
    private static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    private static final DataRequirement MNIST = new DataRequirement("mnist", IDX_FILES);
    private static final DataRequirement FASHION_MNIST = new DataRequirement("fashion-mnist", IDX_FILES);
    private static final DataRequirement A9A = new DataRequirement("a9a", List.of("a9a", "a9a.t"));
    private static final DataRequirement W8A = new DataRequirement("w8a", List.of("w8a"));
    private static final DataRequirement SHAKESPEARE = new DataRequirement("tinyshakespeare", List.of("input.txt"));
    /** Seed of the fixed train/test split of w8a, which has no published test file here. */
    static final long W8A_SPLIT_SEED = 0;

    private StandardTasks() {}

    /** Builds a model's forward function, creating its parameters in {@code params}. */
    @FunctionalInterface
    private interface ModelFactory {
        Network create(ParameterStore params, int inputs, int classes, long seed);
    }

    static List<Task> all() {
        return List.of(
                new SuiteTask("quadratic-deep",
                        "DeepOBS quadratic_deep: 0.5 (theta-x)^T Q (theta-x) in 100-d; Q has 90 eigenvalues in (0,1) "
                                + "and 10 in (30,60) under a random rotation; x ~ N(0, 0.36 I), 1000 train/test points "
                                + "(fixed seeds); theta starts at 1; batch 128, 100 epochs as DeepOBS. Target: within 1% "
                                + "of the test loss at the training optimum (85.72); SGD(0.02) reaches 86.40.",
                        List.of(), 128, Budget.epochs(100), Target.lossAtMost(86.58),
                        (be, data, seeds, batch) -> DeepQuadratic.problem(be, seeds.sampling(), batch)),
                new SuiteTask("noisy-quadratic",
                        "Noisy quadratic model (Zhang et al. 2019): curvatures h_i = 1/i in 100-d, per-example loss "
                                + "0.5 sum h_i (theta_i - c_i)^2 with c_i ~ N(0, 1/h_i); evaluation is the closed-form "
                                + "expected loss 0.5 sum h_i theta_i^2 + d/2 (optimum 50).",
                        List.of(), 16, Budget.steps(2000), Target.lossAtMost(50.05),
                        (be, data, seeds, batch) -> new NoisyQuadraticProblem(be, 100, batch, seeds.sampling())),
                new SuiteTask("ridge-toy",
                        "Paper C's ridge regression toy (SEEDS.md C.3): 2000 fixed rows x ~ N(0, I_20), y = x.w_true + "
                                + "0.5 e, F(w) = mean 0.5 (x.w - y)^2 + 0.005 ||w||^2, w0 ~ N(0, I); batch 10, 4000 steps. "
                                + "Evaluation is the suboptimality F(w) - F* (F* from the normal equations).",
                        List.of(), 10, Budget.steps(4000), Target.lossAtMost(5e-3),
                        (be, data, seeds, batch) -> new RidgeToyProblem(be, seeds.init(), seeds.sampling(), batch)),
                new SuiteTask("rosenbrock",
                        "DeepOBS two_d_rosenbrock: (1-u)^2 + 100 (v-u^2)^2 + u x + v y with x, y ~ N(0,1) per "
                                + "example, start (-0.5, 1.5); evaluation is the noise-free Rosenbrock value.",
                        List.of(), 128, Budget.steps(10_000), Target.lossAtMost(0.01),
                        (be, data, seeds, batch) -> new RosenbrockProblem(be, batch, seeds.sampling())),
                new SuiteTask("logreg-synthetic",
                        "Full-batch logistic regression for line-search-like optimizers (saferate): 1000 fixed "
                                + "rows x ~ N(0, I_20), y = +-1 with P(y=1) = sigmoid(x.w_true), mean logistic loss + "
                                + "0.5e-3 ||w||^2 from w = 0; batch 1000 (the whole training set), 200 steps; "
                                + "evaluated on 1000 more rows. Target: test loss within 1% of the training optimum's (0.4798).",
                        List.of(), SyntheticLogisticProblem.TRAIN, Budget.steps(200), Target.lossAtMost(0.485),
                        (be, data, seeds, batch) -> new SyntheticLogisticProblem(be, seeds.sampling(), batch)),
                new SuiteTask("logreg-a9a",
                        "Logistic regression (softmax over 2 classes, bias, no regularization) on LIBSVM a9a "
                                + "(123 binary features, 32,561 train / 16,281 test).",
                        List.of(A9A), 128, Budget.epochs(10), Target.accuracyAtLeast(0.84),
                        (be, data, seeds, batch) -> classifier(be, data.labeled("a9a", DataSource.Split.TRAIN),
                                data.labeled("a9a", DataSource.Split.TEST), 1f, StandardTasks::linear, seeds, batch)),
                new SuiteTask("logreg-w8a",
                        "Logistic regression (softmax over 2 classes, bias, no regularization) on LIBSVM w8a "
                                + "(300 binary features, 49,749 rows; 97% negative); evaluated on a fixed 20% split "
                                + "(seed 0), trained on the other 80%.",
                        List.of(W8A), 128, Budget.epochs(10), Target.accuracyAtLeast(0.985),
                        StandardTasks::w8a),
                new SuiteTask("logreg-mnist",
                        "Multinomial logistic regression 784 -> 10 (bias) on MNIST, pixels scaled to [0,1].",
                        List.of(MNIST), 128, Budget.epochs(10), Target.accuracyAtLeast(0.92),
                        (be, data, seeds, batch) -> classifier(be, data.labeled("mnist", DataSource.Split.TRAIN),
                                data.labeled("mnist", DataSource.Split.TEST), 1f / 255, StandardTasks::linear, seeds,
                                batch)),
                new SuiteTask("mnist-mlp",
                        "Paper B's MNIST network (gdtuo): 784-128-10 with tanh after both layers, log-softmax + NLL, "
                                + "PyTorch-default initialization, pixels scaled to [0,1]. Default: batch 128, 12 epochs, "
                                + "target 97% (Adam reaches it); arXiv v1 Table 1 used --batch-size 300 --epochs 1 "
                                + "(SGD(0.01) reached 77.48%, Adam 91.09%).",
                        List.of(MNIST), 128, Budget.epochs(12), Target.accuracyAtLeast(0.97),
                        (be, data, seeds, batch) -> classifier(be, data.labeled("mnist", DataSource.Split.TRAIN),
                                data.labeled("mnist", DataSource.Split.TEST), 1f / 255, StandardTasks::gdtuoMlp,
                                seeds, batch)),
                new SuiteTask("fmnist-2c2d",
                        "DeepOBS fmnist_2c2d: conv5x5(32)+ReLU+maxpool2, conv5x5(64)+ReLU+maxpool2, dense 1024 ReLU, "
                                + "dense 10; DeepOBS initialization (truncated normal 0.05, biases 0.05); pixels scaled "
                                + "to [0,1]; batch 128, 100 epochs as DeepOBS.",
                        List.of(FASHION_MNIST), 128, Budget.epochs(100), Target.accuracyAtLeast(0.92),
                        (be, data, seeds, batch) -> classifier(be, data.labeled("fashion-mnist", DataSource.Split.TRAIN),
                                data.labeled("fashion-mnist", DataSource.Split.TEST), 1f / 255,
                                StandardTasks::convNet, seeds, batch)),
                new SuiteTask("char-rnn-shakespeare",
                        "Character LSTM on Tiny Shakespeare in the shape of DeepOBS tolstoi_char_rnn: embedding 128, "
                                + "2 LSTM layers of 128, sequences of 50, batch 50 (no dropout, zero initial state per "
                                + "sequence); 90/10 train/test split of the text.",
                        List.of(SHAKESPEARE), 50, Budget.epochs(20), Target.lossAtMost(1.6),
                        (be, data, seeds, batch) -> new CharRnnProblem(be, data.text("tinyshakespeare"), batch, 50,
                                128, 128, 2, seeds.init(), seeds.sampling())),
                new SuiteTask("teacher-student-mlp",
                        "Synthetic regression without files: a fixed teacher MLP 10-32-1 (tanh) labels Gaussian "
                                + "inputs (4096 train, 1024 test); a student of the same shape fits them by mean "
                                + "squared error. Budget and target set so that optimizers differ (optopt compare's defaults, "
                                + "3 seeds, 20 evaluations): SGD(0.05) ends at 2.5e-3 and RMSProp at 3.4e-3 (neither "
                                + "reaches 1e-3); Lion(3e-4) reaches it at step 3200, SGD(0.05, momentum 0.9) at 5760, "
                                + "Adam at 8320.",
                        List.of(), 32, Budget.epochs(100), Target.lossAtMost(1e-3),
                        (be, data, seeds, batch) -> TeacherStudent.problem(be, seeds.init(), seeds.sampling(), batch)));
    }

    private static Network linear(ParameterStore params, int inputs, int classes, long seed) {
        Linear layer = new Linear(params, "linear", inputs, classes, true, Init.PYTORCH_DEFAULT,
                new SplittableRandom(seed));
        return layer;
    }

    private static Network gdtuoMlp(ParameterStore params, int inputs, int classes, long seed) {
        Mlp mlp = new Mlp(params, new int[] {inputs, 128, classes}, UnaryFn.TANH, UnaryFn.TANH, Init.PYTORCH_DEFAULT,
                seed);
        return mlp;
    }

    private static Network convNet(ParameterStore params, int inputs, int classes, long seed) {
        if (inputs != 28 * 28) {
            throw new IllegalArgumentException("2c2d expects 28x28 images, got rows of " + inputs);
        }
        ConvNet2c2d net = new ConvNet2c2d(params, 28, 28, 1, classes, Init.DEEPOBS_TRUNCATED_NORMAL, seed);
        return net;
    }

    private static TrainingProblem w8a(Backend be, DataSource data, SuiteTask.Seeds seeds, int batch)
            throws IOException {
        Examples all = data.labeled("w8a", DataSource.Split.TRAIN);
        Examples[] parts = split(all, 0.8, W8A_SPLIT_SEED);
        return classifier(be, parts[0], parts[1], 1f, StandardTasks::linear, seeds, batch);
    }

    /** A seeded random split of the rows into the first {@code fraction} and the rest. */
    static Examples[] split(Examples all, double fraction, long seed) {
        int n = all.rows();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int cut = (int) Math.round(n * fraction);
        return new Examples[] {subset(all, order, 0, cut), subset(all, order, cut, n)};
    }

    private static Examples subset(Examples all, int[] order, int from, int to) {
        int w = all.width();
        float[] f = new float[(to - from) * w];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            System.arraycopy(all.features(), order[i] * w, f, (i - from) * w, w);
            labels[i - from] = all.labels()[order[i]];
        }
        return new Examples(f, w, labels, all.classes());
    }

    private static TrainingProblem classifier(Backend be, Examples train, Examples test, float scale,
            ModelFactory factory, SuiteTask.Seeds seeds, int batch) {
        if (train.width() != test.width() || train.classes() != test.classes()) {
            throw new IllegalArgumentException("Train and test splits differ: width " + train.width() + " vs "
                    + test.width() + ", classes " + train.classes() + " vs " + test.classes());
        }
        ParameterStore params = new ParameterStore(be);
        Network model = factory.create(params, train.width(), train.classes(), seeds.init());
        return new DatasetProblem(params, model, Heads.classification(be, train.labels(), test.labels()),
                matrix(be, train, scale), matrix(be, test, scale),
                new MiniBatchSampler(train.rows(), batch, false, seeds.sampling()));
    }

    private static Tensor matrix(Backend be, Examples e, float scale) {
        float[] f = e.features();
        if (scale != 1f) {
            f = f.clone();
            for (int i = 0; i < f.length; i++) {
                f[i] *= scale;
            }
        }
        return be.fromArray(f, Shape.matrix(e.rows(), e.width()));
    }
}
