package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.backend.tornado.DeviceTransfers.Counts;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Step capture ({@code capture=on}): a loop of device tasks (a product, an activation kernel with a
 * reduction, a second product, an optimizer kernel over resident parameters) captured into one
 * plan gives, step by step, the floats of the same loop with capture off and of the reference
 * backend (kernel interpreter and plain-Java products), bit for bit; once captured, a step copies
 * in only the batch the host wrote and back only the activation the host reads and the reduction
 * terms; a loop changing its sequence (another batch size, an extra task) falls back and resumes,
 * still exact. Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoStepCaptureTest extends DeviceUnderTest {
    private static final int IN = 5;
    private static final int OUT = 8;
    /** {@code a = tanh(h)}, and the sum of {@code a^2} (one term per element comes back). */
    private static final Kernel ACTIVATION = Kernel.builder("capture_tanh")
            .let("t", Expr.buffer("h").apply(UnaryOp.TANH))
            .store("a", Expr.local("t"))
            .sum("energy", Expr.local("t").square())
            .build();
    /** Momentum SGD: {@code m = 0.9 m + g; w = w - lr m}. */
    private static final Kernel MOMENTUM = Kernel.builder("capture_momentum")
            .let("m1", Expr.buffer("m").times(0.9).plus(Expr.buffer("g")))
            .store("m", Expr.local("m1"))
            .store("w", Expr.buffer("w").minus(Expr.scalar("lr").times(Expr.local("m1"))))
            .build();
    /** {@code a = 0.5 a}: the extra task of one step. */
    private static final Kernel HALVE = Kernel.builder("capture_halve").store("a", Expr.buffer("a").times(0.5)).build();

    /** One model and its optimizer state on a backend. */
    private static final class Loop {
        final Backend b;
        final Tensor w;
        final Tensor m;
        final CompiledKernel activation;
        final CompiledKernel momentum;
        final CompiledKernel halve;

        Loop(Backend b) {
            this.b = b;
            this.w = b.fromArray(random(OUT * IN, 7), Shape.matrix(OUT, IN));
            this.m = b.zeros(Shape.matrix(OUT, IN));
            this.activation = b.compile(ACTIVATION);
            this.momentum = b.compile(MOMENTUM);
            this.halve = b.compile(HALVE);
        }

        /**
         * One step on a batch of {@code rows}: {@code h = x w^T}, {@code a = tanh(h)} (and its energy),
         * optionally {@code a = a / 2}, {@code g = a^T x}, the momentum update; returns the energy and
         * the sum of {@code a} (a host read of {@code a}).
         */
        double[] step(float[] batch, int rows, boolean extra) {
            try (Tensor x = b.fromArray(batch, Shape.matrix(rows, IN));
                    Tensor h = b.zeros(Shape.matrix(rows, OUT));
                    Tensor a = b.zeros(Shape.matrix(rows, OUT));
                    Tensor g = b.zeros(Shape.matrix(OUT, IN))) {
                b.gemmInPlace(1f, x, false, w, true, 0f, h);
                double energy = activation.run(new KernelArgs(ACTIVATION).buffer("h", h).buffer("a", a)).get("energy");
                if (extra) {
                    halve.run(new KernelArgs(HALVE).buffer("a", a));
                }
                b.gemmInPlace(1f, a, true, x, false, 0f, g);
                momentum.run(new KernelArgs(MOMENTUM).buffer("m", m).buffer("g", g).buffer("w", w).scalar("lr", 0.05));
                return new double[] {energy, b.reduce(ReduceOp.SUM, a)};
            }
        }
    }

    @Test
    void aCapturedLoopGivesTheUncapturedFloatsAndCopiesOnlyTheBatchAndWhatTheHostReads() {
        try (Backend on = create(TornadoBackendProvider.ON_DEVICE, "on");
                Backend off = create(TornadoBackendProvider.ON_DEVICE, "off")) {
            Loop captured = new Loop(on);
            Loop uncaptured = new Loop(off);
            Loop reference = new Loop(new ReferenceBackend());
            int rows = 4;
            long batchBytes = (long) rows * IN * Float.BYTES;
            long activationBytes = (long) rows * OUT * Float.BYTES;
            for (int step = 1; step <= 10; step++) {
                float[] batch = random(rows * IN, 100 + step);
                Counts before = ((DeviceTransfers) on).transfers();
                double[] c = captured.step(batch, rows, false);
                Counts during = ((DeviceTransfers) on).transfers().since(before);
                assertArrayEquals(reference.step(batch, rows, false), c, "energy and sum of a, step " + step);
                assertArrayEquals(c, uncaptured.step(batch, rows, false), "capture off, step " + step);
                if (step >= 4) {
                    // in: the batch; back: the activation's reduction terms and, for the host's sum, a itself
                    assertEquals(new Counts(1, batchBytes, 2, 2 * activationBytes), during, "copies of step " + step);
                }
            }
            assertArrayEquals(reference.w.toArray(), captured.w.toArray(), "w after 10 steps");
            assertArrayEquals(reference.m.toArray(), captured.m.toArray(), "momentum after 10 steps");
            StepCaptures.Counts counts = ((StepCaptures) on).captures();
            assertEquals(1, counts.captures(), "steps captured");
            assertEquals(0, counts.fallBacks(), "fall-backs");
            assertEquals(8, counts.replayedSteps(), "steps replayed (steps 3 to 10)");
            assertEquals(1, counts.loads(), "loading graph runs (the first replay)");
            assertEquals(0, ((StepCaptures) off).captures().replayedCalls(), "capture off replays nothing");
        }
    }

    @Test
    void aLoopThatChangesItsSequenceFallsBackAndStaysExact() {
        try (Backend on = create(TornadoBackendProvider.ON_DEVICE, "on")) {
            Loop captured = new Loop(on);
            Loop reference = new Loop(new ReferenceBackend());
            for (int step = 1; step <= 14; step++) {
                int rows = step == 7 || step == 8 ? 3 : 4;
                boolean extra = step == 11;
                float[] batch = random(rows * IN, 200 + step);
                if (step == 9) {
                    // the host changes a parameter between steps: the next graph reading it must see it
                    float[] w = captured.w.toArray();
                    w[3] = -w[3];
                    captured.w.copyFrom(w);
                    float[] r = reference.w.toArray();
                    r[3] = -r[3];
                    reference.w.copyFrom(r);
                }
                assertArrayEquals(reference.step(batch, rows, extra), captured.step(batch, rows, extra),
                        "energy and sum of a, step " + step + " (" + rows + " rows" + (extra ? ", an extra task" : "") + ")");
            }
            assertArrayEquals(reference.w.toArray(), captured.w.toArray(), "w after 14 steps");
            assertArrayEquals(reference.m.toArray(), captured.m.toArray(), "momentum after 14 steps");
            StepCaptures.Counts counts = ((StepCaptures) on).captures();
            assertTrue(counts.fallBacks() >= 2, "a fall-back at the 3-row steps and at the extra task: " + counts);
            assertTrue(counts.replayedSteps() >= 6, "the 4-row step replayed before and after: " + counts);
        }
    }

    /** {@code capture=auto}: on where the products and elementwise primitives run on the device, off where they run on the host. */
    @Test
    void autoCapturesWhereThePrimitivesRunOnTheDevice() {
        try (Backend device = create(TornadoBackendProvider.ON_DEVICE, "auto");
                Backend host = create(TornadoBackendProvider.ON_HOST, "auto")) {
            Loop onDevice = new Loop(device);
            Loop onHost = new Loop(host);
            for (int step = 1; step <= 4; step++) {
                float[] batch = random(4 * IN, 300 + step);
                assertArrayEquals(onDevice.step(batch, 4, false), onHost.step(batch, 4, false), "step " + step);
            }
            assertEquals(2, ((StepCaptures) device).captures().replayedSteps(), "device primitives: steps 3 and 4 replayed");
            assertEquals(new StepCaptures.Counts(0, 0, 0, 0, 0), ((StepCaptures) host).captures(), "host primitives");
        }
    }

    /** Adam on {@code teacher-student-mlp}, 12 steps: capture on gives capture off's losses bit for bit, and replays. */
    @Test
    void adamOnTeacherStudentGivesTheSameLossesCaptured() throws Exception {
        try (Backend on = create(TornadoBackendProvider.ON_DEVICE, "on");
                Backend off = create(TornadoBackendProvider.ON_DEVICE, "off")) {
            List<Double> captured = train(on);
            assertEquals(train(off), captured, "losses with capture on and off");
            List<Double> reference = train(new ReferenceBackend());
            for (int s = 0; s < captured.size(); s++) {
                assertEquals(reference.get(s), captured.get(s), 1e-5 * Math.abs(reference.get(s)), "loss of step " + (s + 1));
            }
            assertTrue(((StepCaptures) on).captures().replayedSteps() >= 6, "replayed steps: " + ((StepCaptures) on).captures());
        }
    }

    private static List<Double> train(Backend b) throws Exception {
        List<Double> losses = new ArrayList<>();
        try (TrainingProblem p = TaskRegistry.standard().get("teacher-student-mlp").instantiate(b, null, 0);
                Optimizer adam = Optimizers.discover().provider("adam").create(b, p.parameters(), Map.of("lr", 0.001))) {
            for (int s = 0; s < 12; s++) {
                p.nextBatch();
                losses.add(p.lossAndGradient());
                adam.step();
            }
        }
        return losses;
    }
}
