package org.optopt.cli.run;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.optopt.cli.format.Numbers;
import org.optopt.tasks.training.EvalRecord;
import org.optopt.tasks.training.StepRecord;
import org.optopt.tasks.training.Trainer;

/**
 * A progress line on stderr: a bar, done of total, details and the time left. On a terminal it
 * redraws one line ten times a second; otherwise (a log, a pipe) it prints a line every
 * {@link #LOG_INTERVAL_NANOS} (15 s) and one at the end, so a run of seconds prints one line and a
 * run of hours one every 15 seconds. As a {@link Trainer.Listener} it shows a run's steps, steps/s
 * and loss; {@link #show} shows any other count (a study's trials).
 */
public final class ProgressBar implements Trainer.Listener {
    /** Time between two lines without a terminal. */
    public static final long LOG_INTERVAL_NANOS = 15_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String label;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long interval;
    private final long start;
    private long lastDraw;
    private double lastAccuracy = Double.NaN;
    /** The count at the first {@link #show}, where its rate starts; -1 before. */
    private long firstShown = -1;

    /** A bar on {@code err} that redraws itself where {@code terminal}, else prints periodic lines. */
    public ProgressBar(PrintWriter err, String label, boolean terminal) {
        this(err, label, terminal, System::nanoTime, terminal ? REDRAW_NANOS : LOG_INTERVAL_NANOS);
    }

    /** A bar reading time from {@code clock} (nanoseconds) and drawing at most every {@code interval}. */
    public ProgressBar(PrintWriter err, String label, boolean terminal, LongSupplier clock, long interval) {
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
        double rate = r.step() / Math.max(r.seconds(), 1e-9);
        draw(now, r.step(), total, String.format(Locale.ROOT, "%.0f steps/s  loss %s%s", rate,
                Numbers.significant(r.loss(), 4),
                Double.isNaN(lastAccuracy) ? "" : String.format(Locale.ROOT, "  acc %.2f%%", 100 * lastAccuracy)),
                (total - r.step()) / rate);
    }

    /**
     * Shows {@code done} of {@code total} with {@code detail} (drawn at most every interval, and
     * always when done reaches total). The time left is extrapolated from the rate since the first
     * call, so work done before this bar existed (trials of an earlier run) does not count.
     */
    public void show(long done, long total, String detail) {
        long now = clock.getAsLong();
        if (firstShown < 0) {
            firstShown = done;
        }
        if (done < total && now - lastDraw < interval) {
            return;
        }
        double rate = (done - firstShown) / Math.max((now - start) / 1e9, 1e-9);
        draw(now, done, total, detail, rate > 0 ? (total - done) / rate : Double.NaN);
    }

    /** Draws the line of {@code done} of {@code total} with the time left ({@code NaN}: not known yet). */
    private void draw(long now, long done, long total, String detail, double secondsLeft) {
        lastDraw = now;
        boolean last = done == total;
        int width = 24;
        int filled = (int) (width * done / Math.max(total, 1));
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d  %s  %s", label, "#".repeat(filled),
                ".".repeat(width - filled), done, total, detail, last ? "done in " + duration((now - start) / 1e9)
                        : Double.isNaN(secondsLeft) ? "ETA ?" : "ETA " + duration(secondsLeft));
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
