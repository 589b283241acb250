import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;

/**
 * An experiment for docs/tornado.md ("One plan for a whole step?"): can the graphs of one
 * TornadoVM execution plan hand arrays to each other on the device (persistOnDevice in one graph,
 * consumeFromDevice(graphName, ...) in the next), as one training step's products and kernels
 * would, and can graphs of two separate plans do the same? Prints the results and the bytes each
 * execution copied. Run by scripts/tornado/shared-plan-probe.sh.
 */
public final class SharedPlanProbe {
    private SharedPlanProbe() {}

    /** y = 2 x. */
    public static void twice(float[] x, float[] y) {
        for (@Parallel int i = 0; i < y.length; i++) {
            y[i] = 2f * x[i];
        }
    }

    /** z = y + 1. */
    public static void plusOne(float[] y, float[] z) {
        for (@Parallel int i = 0; i < z.length; i++) {
            z[i] = y[i] + 1f;
        }
    }

    /** A graph computing {@code y = 2 x} that keeps {@code y} on the device. */
    private static TaskGraph producer(String name, float[] x, float[] y) {
        return new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("twice", SharedPlanProbe::twice, x, y)
                .persistOnDevice(y);
    }

    /** A graph computing {@code z = y + 1} with {@code y} taken from graph {@code from}'s device memory. */
    private static TaskGraph consumer(String name, String from, float[] y, float[] z) {
        return new TaskGraph(name)
                .consumeFromDevice(from, y)
                .task("plusOne", SharedPlanProbe::plusOne, y, z)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, z);
    }

    public static void main(String[] args) throws Exception {
        int n = 1 << 16;
        float[] x = new float[n];
        float[] y = new float[n];
        float[] z = new float[n];
        TaskGraph first = producer("first", x, y);
        TaskGraph second = consumer("second", "first", y, z);
        System.out.println("one plan, two graphs (first persists y, second consumes it):");
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(first.snapshot(), second.snapshot())) {
            plan.withProfiler(uk.ac.manchester.tornado.api.enums.ProfilerMode.SILENT);
            for (int round = 1; round <= 3; round++) {
                java.util.Arrays.fill(x, round);
                var a = plan.withGraph(0).execute().getProfilerResult();
                var b = plan.withGraph(1).execute().getProfilerResult();
                System.out.printf("  round %d: z[0] = %s (expected %s); y on the host %s; profiler bytes (first + second graph): copy-in %d + %d, copy-out %d + %d%n",
                        round, z[0], 2f * round + 1f, y[0] == 0f ? "never written" : "written",
                        a.getTotalBytesCopyIn(), b.getTotalBytesCopyIn(), a.getTotalBytesCopyOut(), b.getTotalBytesCopyOut());
            }
        }

        System.out.println("two plans (the second plan's graph consumes y from the first plan's graph):");
        float[] y2 = new float[n];
        float[] z2 = new float[n];
        TaskGraph producer = producer("producer", x, y2);
        TaskGraph consumer = consumer("consumer", "producer", y2, z2);
        try (TornadoExecutionPlan p1 = new TornadoExecutionPlan(producer.snapshot());
                TornadoExecutionPlan p2 = new TornadoExecutionPlan(consumer.snapshot())) {
            java.util.Arrays.fill(x, 5f);
            p1.execute();
            try {
                p2.execute();
                System.out.printf("  z[0] = %s (expected %s)%n", z2[0], 11f);
            } catch (RuntimeException e) {
                System.out.println("  failed: " + e);
            }
        }
    }
}
