package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.Losses;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

class CharLstmTest {
    private final Backend be = new ReferenceBackend();
    private final int[][] inputs = {{0, 4}, {2, 2}, {3, 1}};
    private final int[][] targets = {{2, 2}, {3, 1}, {1, 0}};

    private Var loss(CharLstm model, Tape tape) {
        List<Var> logits = model.forward(tape, inputs);
        Var total = Losses.crossEntropy(logits.get(0), targets[0]);
        for (int t = 1; t < logits.size(); t++) {
            total = Elementwise.add(total, Losses.crossEntropy(logits.get(t), targets[t]));
        }
        return Elementwise.scale(total, 1.0 / logits.size());
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
