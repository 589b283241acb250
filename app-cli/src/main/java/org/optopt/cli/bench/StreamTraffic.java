package org.optopt.cli.bench;

import java.util.HashSet;
import java.util.Set;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Statement;
import org.optopt.optimizers.ElementwiseRule;

/**
 * The memory traffic the streaming benchmarks credit a workload with, counted one way for both
 * {@code bench kernel} and {@code bench optimizers}: per parameter, one float read per buffer the kernel
 * reads and one float write per buffer it stores; a full optimizer step adds the read of the gradient by
 * its separate non-finite check.
 */
final class StreamTraffic {
    /** Bytes per parameter of the non-finite gradient check a full optimizer step runs before its kernel. */
    static final int NON_FINITE_CHECK_BYTES = Float.BYTES;

    private StreamTraffic() {}

    /**
     * Bytes per parameter that one run of {@code kernel} reads and writes: the buffers its statements
     * read and those it stores (a buffer only stored, such as a copy's target, is not read).
     */
    static int kernelBytes(Kernel kernel) {
        Set<String> read = new HashSet<>();
        for (Statement st : kernel.statements()) {
            st.value().walk(e -> {
                if (e instanceof Expr.Buffer b) {
                    read.add(b.name());
                }
            });
        }
        return Float.BYTES * (read.size() + kernel.storedBuffers().size());
    }

    /** Bytes per parameter that one step of {@code rule} reads and writes: its update kernel and its reduction passes. */
    static int ruleBytes(ElementwiseRule rule) {
        return kernelBytes(rule.kernel()) + rule.passes().stream().mapToInt(StreamTraffic::kernelBytes).sum();
    }

    /** Bytes per parameter of memory that {@code kernel}'s buffers occupy. */
    static int footprintBytes(Kernel kernel) {
        return Float.BYTES * kernel.buffers().size();
    }

    /** The note printed beside a fraction of the bandwidth baseline above 1, or an empty string. */
    static String aboveBaselineNote(double fraction) {
        return fraction > 1.0 ? "  (above 1: the baseline a+=s*b is a rate measured at this footprint, not a hardware "
                + "ceiling; this kernel's mix of read and written streams moved bytes faster, or the machine's load "
                + "changed between the two timings, which run one after the other)" : "";
    }
}
