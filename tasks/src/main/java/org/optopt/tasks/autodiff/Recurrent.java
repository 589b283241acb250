package org.optopt.tasks.autodiff;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.local;

import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * Recurrent layers as one operation over a whole sequence, so that each time step costs one
 * matrix product and three small fused kernels forward, one product and three kernels backward,
 * with no allocation: every per-step tensor is pooled by the tape.
 *
 * <p>The LSTM cell (PyTorch's gate order i, f, g, o), with {@code s} the logistic sigmoid:
 * <pre>
 * forward:  i = s(z_i), f = s(z_f), g = tanh(z_g), o = s(z_o),  c' = f*c + i*g,  h' = o*tanh(c')
 * backward: dc = gc' + gh'*o*(1 - tanh(c')^2),  dz_o = gh'*tanh(c')*o(1-o),  dz_i = dc*g*i(1-i),
 *           dz_f = dc*c*f(1-f),  dz_g = dc*i*(1-g^2),  gc = dc*f
 * </pre>
 * Each direction is three kernels ({@link #ACTIVATE}, {@link #CELL}, {@link #OUTPUT}; the three
 * {@code BACKWARD_*}) rather than one, because the nd4j backend's compiled loop is vectorized by
 * C2 only while its body is small: over one step of char-rnn ({@code [50, 128]}, one thread) the
 * forward in one kernel took 73 us and the backward 68 us, in three kernels each 27 and 4.4 us.
 *
 * <p>The sigmoid is {@code s(x) = 1/2 + tanh(x/2)/2} with the kernel language's float tanh (a
 * rational function that C2 vectorizes: 5.3 us per step's gate against 57 us for the kernel
 * language's {@code sigmoid}, which calls {@code Math.exp} in double), within 6.0e-8 of the exact
 * sigmoid for every float (a test sweeps them): an absolute, not a relative accuracy, which is what
 * a gate multiplying a cell or an output needs.
 *
 * <p>A gate of the stacked projections {@code [steps*n, 4H]} is a column block, which a kernel
 * (whose buffers share one shape) cannot address, so each step copies its four blocks into their
 * own {@code [n, H]} tensors with {@link Backend#gatherRowsInPlace} (rows of 4H floats seen as 4
 * rows of H) and scatters their gradients back: 2 x 4nH floats copied per step, against the
 * products' 16nH^2 FLOPs.
 */
public final class Recurrent {
    /** Gates per LSTM unit. */
    private static final int GATES = 4;

    /** {@code i, f, g, o}: the pre-activations, overwritten with the gates. */
    static final Kernel ACTIVATE = Kernel.builder("lstm_activate")
            .store("i", sigmoid(buffer("i")))
            .store("f", sigmoid(buffer("f")))
            .store("g", buffer("g").apply(UnaryOp.TANH))
            .store("o", sigmoid(buffer("o")))
            .build();

    /** {@code c = f*cp + i*g}, the new cell from the previous one, {@code cp}. */
    static final Kernel CELL = Kernel.builder("lstm_cell")
            .store("c", buffer("f").times(buffer("cp")).plus(buffer("i").times(buffer("g"))))
            .build();

    /** {@code tc = tanh(c)} (kept for the backward pass) and the output {@code h = o*tc}. */
    static final Kernel OUTPUT = Kernel.builder("lstm_output")
            .let("t", buffer("c").apply(UnaryOp.TANH))
            .store("tc", local("t"))
            .store("h", buffer("o").times(local("t")))
            .build();

    /**
     * From the gradients {@code gh} of h and {@code gc} of c (the part that reached c from later
     * steps), {@code gc} becomes c's whole gradient {@code dc = gc + gh*o*(1-tc^2)} and {@code dzo}
     * the output gate's pre-activation gradient {@code gh*tc*o(1-o)}.
     */
    static final Kernel BACKWARD_OUTPUT = Kernel.builder("lstm_backward_output")
            .let("a", buffer("gh").times(buffer("o")))
            .store("gc", buffer("gc").plus(local("a").times(buffer("tc").square().oneMinus())))
            .store("dzo", local("a").times(buffer("tc")).times(buffer("o").oneMinus()))
            .build();

    /** With {@code gc = dc}: {@code dzi = dc*g*i(1-i)} and {@code dzg = dc*i*(1-g^2)}. */
    static final Kernel BACKWARD_INPUT = Kernel.builder("lstm_backward_input")
            .store("dzi", buffer("gc").times(buffer("g")).times(buffer("i")).times(buffer("i").oneMinus()))
            .store("dzg", buffer("gc").times(buffer("i")).times(buffer("g").square().oneMinus()))
            .build();

    /** With {@code gc = dc}: {@code dzf = dc*cp*f(1-f)}, and {@code gc} becomes the previous cell's gradient {@code dc*f}. */
    static final Kernel BACKWARD_FORGET = Kernel.builder("lstm_backward_forget")
            .store("dzf", buffer("gc").times(buffer("cp")).times(buffer("f")).times(buffer("f").oneMinus()))
            .store("gc", buffer("gc").times(buffer("f")))
            .build();

    private Recurrent() {}

    /** {@code 1/2 + tanh(x/2)/2}. */
    private static Expr sigmoid(Expr x) {
        return x.times(0.5).apply(UnaryOp.TANH).times(0.5).plus(0.5);
    }

    /** Row indices of one layer geometry, computed once per tape. */
    private record Geometry(int steps, int n, int hidden) {}

    /**
     * The rows that {@link Backend#gatherRowsInPlace} and {@link Backend#scatterAddRowsInPlace} move:
     * {@code step[t]}, step t's block of a {@code [steps*n, .]} matrix (rows {@code t*n + r});
     * {@code stepGate[t][k]}, gate k of step t in a {@code [steps*n, 4H]} matrix seen as
     * {@code [4 steps n, H]} (rows {@code 4(t*n + r) + k}); {@code gate[k]}, gate k's block of
     * {@code W_hh} (rows {@code kH + j}).
     */
    private record Index(int[][] step, int[][][] stepGate, int[][] gate) {
        static Index of(Geometry g) {
            int[][] step = new int[g.steps()][g.n()];
            int[][][] stepGate = new int[g.steps()][GATES][g.n()];
            for (int t = 0; t < g.steps(); t++) {
                for (int r = 0; r < g.n(); r++) {
                    step[t][r] = t * g.n() + r;
                    for (int k = 0; k < GATES; k++) {
                        stepGate[t][k][r] = (t * g.n() + r) * GATES + k;
                    }
                }
            }
            int[][] gate = new int[GATES][g.hidden()];
            for (int k = 0; k < GATES; k++) {
                for (int j = 0; j < g.hidden(); j++) {
                    gate[k][j] = k * g.hidden() + j;
                }
            }
            return new Index(step, stepGate, gate);
        }
    }

    /** One time step's saved tensors, each {@code [n, H]}: the gates, the new cell, its tanh and the output. */
    private record Step(Tensor[] gates, Tensor c, Tensor tanhC, Tensor h) {}

    /**
     * An LSTM layer over a batch of {@code n} sequences of {@code steps} time steps from the zero
     * state. {@code projections} ({@code [steps*n, 4H]}, row {@code t*n + i} for sequence i at step
     * t) holds each step's input contribution to the stacked gate pre-activations, {@code x W_ih^T + b}
     * (one matrix product for the whole sequence); {@code recurrentWeight} is {@code W_hh}
     * ({@code [4H, H]}). Step t's pre-activations are its projection block plus
     * {@code h_{t-1} W_hh^T} (absent at the first step). The result holds every step's hidden
     * output, {@code [steps*n, H]}, in the same row layout.
     *
     * <p>Each gate k is computed on its own: its projection block is copied into an {@code [n, H]}
     * tensor and {@code h W_k^T} added by a product with {@code W_hh}'s block k (copied once per
     * call); four products {@code [n, H] x [H, H]} ran as fast as one {@code [n, H] x [H, 4H]}
     * (57 against 60 GFLOP/s at n = 50, H = 128). Backward through time, {@code h}'s gradient is
     * four products a step, {@code W_hh}'s one product over the whole sequence, {@code dZ^T H_prev}.
     *
     * @throws IllegalArgumentException if the shapes do not fit together or the rows are not
     *     {@code steps} equal blocks
     */
    public static Var lstm(Var projections, Var recurrentWeight, int steps) {
        Tape tape = projections.tape();
        tape.checkCurrent(recurrentWeight);
        Backend be = tape.backend();
        Tensor p = projections.value();
        Tensor w = recurrentWeight.value();
        p.shape().requireRank(2, "lstm projections");
        w.shape().requireRank(2, "lstm recurrent weight");
        int hidden = w.shape().dim(1);
        int rows = p.shape().dim(0);
        if (w.shape().dim(0) != GATES * hidden || p.shape().dim(1) != GATES * hidden) {
            throw new IllegalArgumentException("lstm: recurrent weight " + w.shape() + " and projections " + p.shape()
                    + " do not fit a hidden size H with shapes [4H, H] and [steps*n, 4H]");
        }
        if (steps <= 0 || rows % steps != 0) {
            throw new IllegalArgumentException("lstm: " + rows + " projection rows are not " + steps
                    + " steps of equal batches");
        }
        int n = rows / steps;
        Index idx = tape.memo(new Geometry(steps, n, hidden), Index::of);
        Shape state = Shape.matrix(n, hidden);
        Tensor pRows = tape.view(p, Shape.matrix(rows * GATES, hidden));
        Tensor[] blocks = new Tensor[GATES];
        for (int k = 0; k < GATES; k++) {
            blocks[k] = tape.lease(Shape.matrix(hidden, hidden));
            be.gatherRowsInPlace(w, idx.gate()[k], blocks[k]);
        }
        Tensor out = tape.leaseZeros(Shape.matrix(rows, hidden));
        Tensor previous = recurrentWeight.requiresGrad() ? tape.leaseZeros(Shape.matrix(rows, hidden)) : null;
        Tensor c0 = tape.leaseZeros(state);
        Step[] saved = new Step[steps];
        for (int t = 0; t < steps; t++) {
            Tensor[] gates = new Tensor[GATES];
            for (int k = 0; k < GATES; k++) {
                gates[k] = tape.lease(state);
                be.gatherRowsInPlace(pRows, idx.stepGate()[t][k], gates[k]);
                if (t > 0) {
                    be.gemmInPlace(1f, saved[t - 1].h(), false, blocks[k], true, 1f, gates[k]);
                }
            }
            Step s = new Step(gates, tape.lease(state), tape.lease(state), tape.lease(state));
            tape.run(ACTIVATE, "i", gates[0], "f", gates[1], "g", gates[2], "o", gates[3]);
            tape.run(CELL, "i", gates[0], "f", gates[1], "g", gates[2], "cp", t == 0 ? c0 : saved[t - 1].c(),
                    "c", s.c());
            tape.run(OUTPUT, "o", gates[3], "c", s.c(), "tc", s.tanhC(), "h", s.h());
            be.scatterAddRowsInPlace(out, idx.step()[t], s.h());
            if (previous != null && t + 1 < steps) {
                be.scatterAddRowsInPlace(previous, idx.step()[t + 1], s.h());
            }
            saved[t] = s;
        }
        return tape.result(out, g -> lstmBackward(tape, projections, recurrentWeight, idx, blocks, saved, c0,
                previous, g), projections, recurrentWeight);
    }

    private static void lstmBackward(Tape tape, Var projections, Var recurrentWeight, Index idx, Tensor[] blocks,
            Step[] saved, Tensor c0, Tensor previous, Tensor outGrad) {
        Backend be = tape.backend();
        int steps = saved.length;
        Shape state = c0.shape();
        int n = state.dim(0);
        int hidden = state.dim(1);
        Tensor dp = tape.leaseZeros(Shape.matrix(steps * n, GATES * hidden));
        Tensor dpRows = tape.view(dp, Shape.matrix(steps * n * GATES, hidden));
        Tensor gh = tape.lease(state);
        Tensor gc = tape.leaseZeros(state);
        Tensor[] dgates = new Tensor[GATES];
        for (int k = 0; k < GATES; k++) {
            dgates[k] = tape.lease(state);
        }
        be.gatherRowsInPlace(outGrad, idx.step()[steps - 1], gh);
        for (int t = steps - 1; t >= 0; t--) {
            Step s = saved[t];
            Tensor[] gates = s.gates();
            tape.run(BACKWARD_OUTPUT, "gh", gh, "gc", gc, "o", gates[3], "tc", s.tanhC(), "dzo", dgates[3]);
            tape.run(BACKWARD_INPUT, "gc", gc, "i", gates[0], "g", gates[2], "dzi", dgates[0], "dzg", dgates[2]);
            tape.run(BACKWARD_FORGET, "gc", gc, "f", gates[1], "cp", t == 0 ? c0 : saved[t - 1].c(),
                    "dzf", dgates[1]);
            if (t > 0) {
                be.gatherRowsInPlace(outGrad, idx.step()[t - 1], gh);
            }
            for (int k = 0; k < GATES; k++) {
                be.scatterAddRowsInPlace(dpRows, idx.stepGate()[t][k], dgates[k]);
                if (t > 0) {
                    be.gemmInPlace(1f, dgates[k], false, blocks[k], false, 1f, gh);
                }
            }
        }
        Tape.GradSink gw = tape.gradSink(recurrentWeight);
        if (gw != null) {
            be.gemmInPlace(1f, dp, true, previous, false, gw.beta(), gw.tensor());
        }
        if (projections.requiresGrad()) {
            tape.adoptGradient(projections, dp);
        }
    }
}
