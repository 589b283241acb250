package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Losses;
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

    @Test
    void untrainedModelIsNearUniformAndRejectsUnknownCharacters() {
        try (ParameterStore params = new ParameterStore(be); Tape tape = new Tape(be)) {
            CharLstm model = new CharLstm(params, 5, 3, 4, 1, Init.PYTORCH_DEFAULT, 13);
            assertEquals(Math.log(5), loss(model, tape).value().item(), 0.3);
            assertThrows(IllegalArgumentException.class, () -> model.forward(tape, new int[][] {{5}}));
        }
    }
}
