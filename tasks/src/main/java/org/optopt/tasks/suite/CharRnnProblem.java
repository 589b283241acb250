package org.optopt.tasks.suite;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.tasks.autodiff.Losses;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;
import org.optopt.tasks.data.CharCorpus;
import org.optopt.tasks.nn.CharLstm;
import org.optopt.tasks.nn.Flops;
import org.optopt.tasks.nn.Init;
import org.optopt.tasks.nn.ParameterStore;

/**
 * Character-level language modelling with a {@link CharLstm}. The vocabulary is the sorted set of
 * characters of the text; the first 90% of the text trains and the last 10% evaluates. A
 * mini-batch is {@code batch} windows of {@code steps + 1} characters at seeded random offsets of
 * the training text; the loss is the mean cross-entropy of predicting each next character. An
 * epoch is {@code trainLength / (batch*steps)} batches. Evaluation covers the evaluation text in
 * consecutive windows and reports mean cross-entropy (nats per character) and next-character
 * accuracy.
 */
final class CharRnnProblem extends StoredProblem {
    private final CharLstm model;
    private final int[] train;
    private final int[] test;
    private final int batchSize;
    private final int steps;
    private final SplittableRandom random;
    private final Tape evaluationTape;
    private DataParallel parallel;
    private int[][] inputs;
    private int[][] targets;

    CharRnnProblem(Backend backend, String text, int batchSize, int steps, int embed, int hidden, int layers,
            long initSeed, long samplingSeed) {
        super(new ParameterStore(backend));
        CharCorpus corpus = CharCorpus.of(text);
        int[] ids = corpus.ids();
        int vocab = corpus.vocabularySize();
        int split = (int) (ids.length * 0.9);
        this.train = Arrays.copyOfRange(ids, 0, split);
        this.test = Arrays.copyOfRange(ids, split, ids.length);
        if (train.length <= steps + 1 || test.length <= steps + 1) {
            throw new IllegalArgumentException("Text of " + ids.length + " characters is too short for windows of "
                    + (steps + 1));
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be positive, got " + batchSize);
        }
        this.model = new CharLstm(params, vocab, embed, hidden, layers, Init.PYTORCH_DEFAULT, initSeed);
        this.batchSize = batchSize;
        this.steps = steps;
        this.random = new SplittableRandom(samplingSeed);
        this.parallel = new DataParallel(params, 1);
        this.evaluationTape = new Tape(backend);
    }

    @Override
    public Flops flops() {
        return model.flops(steps);
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public long stepsPerEpoch() {
        return Math.max(1, train.length / ((long) batchSize * steps));
    }

    @Override
    public void nextBatch() {
        int[] starts = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            starts[b] = random.nextInt(train.length - steps);
        }
        inputs = new int[steps][batchSize];
        targets = new int[steps][batchSize];
        window(train, starts, inputs, targets);
    }

    private void window(int[] text, int[] starts, int[][] in, int[][] out) {
        for (int t = 0; t < in.length; t++) {
            for (int b = 0; b < starts.length; b++) {
                in[t][b] = text[starts[b] + t];
                out[t][b] = text[starts[b] + t + 1];
            }
        }
    }

    @Override
    public int setThreads(int threads) {
        parallel = parallel.onThreads(threads);
        return threads;
    }

    @Override
    public double lossAndGradient() {
        if (inputs == null) {
            throw new IllegalStateException("lossAndGradient before the first nextBatch()");
        }
        return parallel.lossAndGradient(batchSize, (tape, from, to) -> Losses.crossEntropy(
                model.forward(tape, sequences(inputs, from, to)), flatten(sequences(targets, from, to))));
    }

    /** Sequences {@code [from, to)} of a batch laid out {@code [step][sequence]}. */
    private static int[][] sequences(int[][] batch, int from, int to) {
        if (from == 0 && to == batch[0].length) {
            return batch;
        }
        int[][] part = new int[batch.length][];
        for (int t = 0; t < batch.length; t++) {
            part[t] = Arrays.copyOfRange(batch[t], from, to);
        }
        return part;
    }

    /** Targets in the row order of {@link CharLstm#forward}'s logits: step-major. */
    private static int[] flatten(int[][] targets) {
        int n = targets[0].length;
        int[] flat = new int[targets.length * n];
        for (int t = 0; t < targets.length; t++) {
            System.arraycopy(targets[t], 0, flat, t * n, n);
        }
        return flat;
    }

    @Override
    public Evaluation evaluate() {
        int windows = (test.length - 1) / steps;
        double lossSum = 0;
        long correct = 0;
        long predictions = 0;
        for (int first = 0; first < windows; first += batchSize) {
            int n = Math.min(batchSize, windows - first);
            int[] starts = new int[n];
            for (int b = 0; b < n; b++) {
                starts[b] = (first + b) * steps;
            }
            int[][] in = new int[steps][n];
            int[][] out = new int[steps][n];
            window(test, starts, in, out);
            evaluationTape.reset();
            Var logits = model.forward(evaluationTape, in);
            int[] labels = flatten(out);
            lossSum += Losses.crossEntropy(logits, labels).value().item() * n * steps;
            int[] predicted = backend().argmax(logits.value());
            for (int k = 0; k < labels.length; k++) {
                if (predicted[k] == labels[k]) {
                    correct++;
                }
            }
            predictions += (long) n * steps;
        }
        evaluationTape.reset();
        return new Evaluation(lossSum / predictions, (double) correct / predictions);
    }

    @Override
    public void close() {
        parallel.close();
        evaluationTape.close();
        params.close();
    }
}
