package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Linalg;
import org.optopt.tasks.autodiff.Losses;
import org.optopt.tasks.autodiff.Shapes;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

class CharLstmTest {
    private final Backend be = new ReferenceBackend();
    private final int[][] inputs = {{0, 4}, {2, 2}, {3, 1}};
    private final int[][] targets = {{2, 2}, {3, 1}, {1, 0}};

    private Var loss(CharLstm model, Tape tape) {
        int[] flat = new int[targets.length * targets[0].length];
        for (int t = 0; t < targets.length; t++) {
            System.arraycopy(targets[t], 0, flat, t * targets[0].length, targets[0].length);
        }
        return Losses.crossEntropy(model.forward(tape, inputs), flat);
    }

    @Test
    void gradientsThroughTimeMatchFiniteDifferences() {
        try (ParameterStore params = new ParameterStore(be)) {
            CharLstm model = new CharLstm(params, 5, 3, 4, 2, Init.PYTORCH_DEFAULT, 13);
            ModelGradCheck.check(be, params, t -> loss(model, t), 12, 1e-2);
        }
    }

    /**
     * With a vocabulary smaller than the batch's characters the first layer projects the embedding
     * table and gathers its rows; the logits must equal those of its layers applied to the looked-up
     * rows ({@link Lstm#sequence}, checked against naive loops in {@link NaiveReferenceTest}).
     */
    @Test
    void projectingTheEmbeddingTableGivesTheLogitsOfTheLookedUpRows() {
        try (ParameterStore params = new ParameterStore(be); ParameterStore copies = new ParameterStore(be);
                Tape tape = new Tape(be)) {
            CharLstm model = new CharLstm(params, 5, 3, 4, 2, Init.PYTORCH_DEFAULT, 17);
            float[] logits = model.forward(tape, inputs).value().toArray();
            int[] ids = {0, 4, 2, 2, 3, 1};
            Var x = Shapes.gatherRows(tape.constant(params.get("embedding").value()), ids);
            x = copy(params, copies, "lstm1", 3).sequence(x, inputs.length);
            x = copy(params, copies, "lstm2", 4).sequence(x, inputs.length);
            Var w = tape.constant(params.get("readout.weight").value());
            Var b = tape.constant(params.get("readout.bias").value());
            float[] expected = Linalg.affine(x, w, b).value().toArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], logits[i], 1e-6, "logit " + i);
            }
        }
    }

    /** A layer in {@code copies} with the values of layer {@code name} of {@code params}. */
    private Lstm copy(ParameterStore params, ParameterStore copies, String name, int inputSize) {
        Lstm lstm = new Lstm(copies, name, inputSize, 4, Init.PYTORCH_DEFAULT, new SplittableRandom(1));
        for (String p : new String[] {".weight_ih", ".weight_hh", ".bias"}) {
            be.copyInPlace(params.get(name + p).value(), copies.get(name + p).value());
        }
        return lstm;
    }

    @Test
    void untrainedModelIsNearUniformAndRejectsUnknownCharacters() {
        try (ParameterStore params = new ParameterStore(be); Tape tape = new Tape(be)) {
            CharLstm model = new CharLstm(params, 5, 3, 4, 1, Init.PYTORCH_DEFAULT, 13);
            assertEquals(Math.log(5), loss(model, tape).value().item(), 0.3);
            assertThrows(IllegalArgumentException.class, () -> model.forward(tape, new int[][] {{5}}));
        }
    }
}
