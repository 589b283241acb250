package org.optopt.cli.run;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.optopt.cli.format.Numbers;

/**
 * A progress line on stderr: steps done, steps/s, current loss and the time left. On a terminal it
 * redraws one line ten times a second; otherwise (a log, a pipe) it prints a line every
 * {@link #LOG_INTERVAL_NANOS} (15 s) and one at the end, so a run of seconds prints one line and a
 * run of hours one every 15 seconds.
 */
final class ProgressBar implements Trainer.Listener {
    /** Time between two lines without a terminal. */
    static final long LOG_INTERVAL_NANOS = 15_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String label;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long interval;
    private final long start;
    private long lastDraw;
    private double lastAccuracy = Double.NaN;

    ProgressBar(PrintWriter err, String label, boolean terminal) {
        this(err, label, terminal, System::nanoTime, terminal ? REDRAW_NANOS : LOG_INTERVAL_NANOS);
    }

    /** A bar reading time from {@code clock} (nanoseconds) and drawing at most every {@code interval}. */
    ProgressBar(PrintWriter err, String label, boolean terminal, LongSupplier clock, long interval) {
        this.err = err;
        this.label = label;
        this.terminal = terminal;
        this.clock = clock;
        this.interval = interval;
        this.start = clock.getAsLong();
        this.lastDraw = start;
    }

    @Override
    public void onStep(StepRecord r, long total) {
        long now = clock.getAsLong();
        boolean last = r.step() == total;
        if (!last && now - lastDraw < interval) {
            return;
        }
        lastDraw = now;
        double rate = r.step() / Math.max(r.seconds(), 1e-9);
        int width = 24;
        int filled = (int) (width * r.step() / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d  %.0f steps/s  loss %s%s  %s", label,
                "#".repeat(filled), ".".repeat(width - filled), r.step(), total, rate, Numbers.significant(r.loss(), 4),
                Double.isNaN(lastAccuracy) ? "" : String.format(Locale.ROOT, "  acc %.2f%%", 100 * lastAccuracy),
                last ? "done in " + duration((now - start) / 1e9) : "ETA " + duration((total - r.step()) / rate));
        if (terminal) {
            err.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public void onEvaluation(EvalRecord r) {
        lastAccuracy = r.accuracy();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s"
                : seconds < 10 ? String.format(Locale.ROOT, "%.1fs", seconds) : s + "s";
    }
}
