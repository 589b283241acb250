package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.UnaryFn;

/** The FLOP model against counts done by hand (the arithmetic is in the comments). */
class FlopsTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void mnistMlpCountsProductsAndBiases() {
        try (ParameterStore params = new ParameterStore(be)) {
            Flops f = new Mlp(params, new int[] {784, 128, 10}, UnaryFn.TANH, UnaryFn.TANH, Init.PYTORCH_DEFAULT, 1)
                    .flops();
            // forward: 2*784*128 + 128 + 2*128*10 + 10 = 200,704 + 128 + 2,560 + 10
            assertEquals(203_402, f.forward());
            // backward: fc1 weight+bias 200,832 (no input gradient: data); fc2 2,570 + input gradient 2,560
            assertEquals(205_962, f.backward());
            // the 409,088 (products only) plus 2*(128+10) for the biases
            assertEquals(409_364, f.total());
            assertEquals("fc1", f.dominant().orElseThrow().name());
        }
    }

    @Test
    void fmnist2c2dCountsEveryLayer() {
        try (ParameterStore params = new ParameterStore(be)) {
            Flops f = new ConvNet2c2d(params, 28, 28, 1, 10, Init.DEEPOBS_TRUNCATED_NORMAL, 1).flops();
            List<String> kinds = f.layers().stream().map(Flops.Layer::kind).toList();
            assertEquals(List.of("conv", "pool", "conv", "pool", "dense", "dense"), kinds);
            // conv1: 28*28 outputs x 5*5*1 taps x 32 channels x 2 = 1,254,400, bias 784*32 = 25,088
            assertEquals(1_279_488, f.layers().get(0).forward());
            assertEquals(1_279_488, f.layers().get(0).backward());
            // pool1: 14*14*32 = 6,272 outputs, 3 comparisons forward, 4 backward
            assertEquals(18_816, f.layers().get(1).forward());
            assertEquals(25_088, f.layers().get(1).backward());
            // conv2: 14*14 x 5*5*32 x 64 x 2 = 20,070,400 + bias 12,544; backward adds the input gradient
            assertEquals(20_082_944, f.layers().get(2).forward());
            assertEquals(40_153_344, f.layers().get(2).backward());
            // fc1: 3136 -> 1024: 6,422,528 + 1,024
            assertEquals(6_423_552, f.layers().get(4).forward());
            // all: 27,834,698 forward + 54,357,514 backward
            assertEquals(27_834_698, f.forward());
            assertEquals(82_192_212, f.total());
            Flops.Layer conv2 = f.dominant().orElseThrow();
            assertEquals("conv2", conv2.name());
            assertEquals(List.of(196, 800, 64), List.of(conv2.rows(), conv2.depth(), conv2.columns()));
        }
    }

    @Test
    void lstmAndEmbeddingCounts() {
        // in 3, hidden 4, 2 steps: gates 8*4*(3+4) = 224; forward per step 224 + 16 bias + 20 activations
        // + 12 cell = 272; backward per step 224 + 16 + 52 + input gradient 8*4*3 = 96, and the recurrent
        // gradient 8*4*4 = 128 once (not into the zero initial state)
        Flops.Layer lstm = Flops.lstm("l", 3, 4, 2, true);
        assertEquals(544, lstm.forward());
        assertEquals(2 * 388 + 128, lstm.backward());
        Flops.Layer embedding = Flops.embedding("e", 3, 2);
        assertEquals(0, embedding.forward());
        assertEquals(6, embedding.backward());
    }

    @Test
    void charRnnCountsAbout80MegaflopPerSequence() {
        try (ParameterStore params = new ParameterStore(be)) {
            Flops f = new CharLstm(params, 65, 128, 128, 2, Init.PYTORCH_DEFAULT, 1).flops(50);
            assertEquals(List.of("embedding", "lstm", "lstm", "dense"), f.layers().stream().map(Flops.Layer::kind)
                    .toList());
            // per step and layer: 8*128*256 = 262,144 gate FLOP forward; two layers, 50 steps
            long gates = 2L * 50 * 262_144;
            assertTrue(f.forward() > gates && f.forward() < gates * 11 / 10, "forward " + f.forward());
            assertTrue(f.total() > 75_000_000 && f.total() < 90_000_000, "total " + f.total());
            // the read-out 128 -> 65 at each of 50 steps: (2*128*65 + 65) * 50
            assertEquals(835_250, f.layers().get(3).forward());
        }
    }
}
