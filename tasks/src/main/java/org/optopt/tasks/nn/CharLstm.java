package org.optopt.tasks.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Shapes;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

/**
 * A character language model in the shape of DeepOBS's {@code tolstoi_char_rnn}: an embedding
 * {@code [vocab, embed]}, a stack of {@link Lstm} layers and a linear read-out to vocabulary logits.
 * (DeepOBS also applies dropout 0.8 between layers and carries the state across batches; this
 * model does neither: every sequence starts from the zero state.)
 *
 * <p>Initialization: the embedding is N(0, 1) (as PyTorch's {@code nn.Embedding}); LSTM and read-out
 * follow {@code init} with fan-in = hidden size for the LSTM (PyTorch's {@code 1/sqrt(H)} bound).
 */
public final class CharLstm {
    private final Parameter embedding;
    private final List<Lstm> layers = new ArrayList<>();
    private final Linear readout;
    private final int vocab;

    /** Creates the parameters {@code embedding}, {@code lstm1..}, {@code readout}. */
    public CharLstm(ParameterStore params, int vocab, int embed, int hidden, int layerCount, Init init, long seed) {
        if (vocab <= 0 || embed <= 0 || layerCount <= 0) {
            throw new IllegalArgumentException("CharLstm: vocab " + vocab + ", embedding " + embed + " and layers "
                    + layerCount + " must be positive");
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        this.vocab = vocab;
        this.embedding = params.add("embedding",
                params.backend().randomNormal(Shape.matrix(vocab, embed), 0, 1, seeds.nextLong()));
        for (int l = 0; l < layerCount; l++) {
            layers.add(new Lstm(params, "lstm" + (l + 1), l == 0 ? embed : hidden, hidden, init, seeds));
        }
        this.readout = new Linear(params, "readout", hidden, vocab, true, init, seeds);
    }

    /** The count per sequence of {@code steps} characters: embedding, every LSTM layer, the read-out at every step. */
    public Flops flops(int steps) {
        Flops f = Flops.none().plus(Flops.embedding("embedding", embedding.value().shape().dim(1), steps));
        for (int l = 0; l < layers.size(); l++) {
            f = f.plus(layers.get(l).flops("lstm" + (l + 1), steps));
        }
        return f.plus(readout.flops(true).repeated(steps));
    }

    /** The vocabulary size. */
    public int vocab() {
        return vocab;
    }

    /**
     * Logits {@code [steps*n, vocab]} for every time step of a batch of {@code n} sequences, from
     * the zero state: {@code inputs[t][i]} is the character id of sequence i at step t, and row
     * {@code t*n + i} of the result holds its logits. Each layer runs over the whole sequence
     * ({@link Lstm#sequence}); the embedding lookup and the read-out are one operation each.
     *
     * <p>The first layer's input projections are rows of the embedding, so where the vocabulary has
     * fewer rows than the batch has characters, the embedding table is projected instead
     * ({@code [vocab, 4H]}) and its rows gathered: the same values, for char-rnn (vocabulary 65,
     * 2,500 characters a batch) 2.6% of the projection's products and none of its input-gradient
     * product, whose rows scatter back into the table's gradient.
     */
    public Var forward(Tape tape, int[][] inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("CharLstm: no time steps");
        }
        int n = inputs[0].length;
        int[] ids = new int[inputs.length * n];
        for (int t = 0; t < inputs.length; t++) {
            if (inputs[t].length != n) {
                throw new IllegalArgumentException("CharLstm: step " + t + " has " + inputs[t].length
                        + " sequences, step 0 has " + n);
            }
            for (int i = 0; i < n; i++) {
                int id = inputs[t][i];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("CharLstm: character id " + id + " outside [0, " + vocab + ")");
                }
                ids[t * n + i] = id;
            }
        }
        Var table = ParameterStore.bind(tape, embedding);
        Lstm first = layers.get(0);
        Var x = first.recurrence(vocab < ids.length
                ? Shapes.gatherRows(first.project(table), ids)
                : first.project(Shapes.gatherRows(table, ids)), inputs.length);
        for (Lstm layer : layers.subList(1, layers.size())) {
            x = layer.sequence(x, inputs.length);
        }
        return readout.forward(x);
    }
}
