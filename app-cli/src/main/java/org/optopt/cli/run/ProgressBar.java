package org.optopt.cli.run;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line on stderr: steps done, steps/s, current loss and the time left. On a terminal it
 * redraws one line; otherwise it prints a line at every tenth of the run.
 */
final class ProgressBar implements Trainer.Listener {
    private final PrintWriter err;
    private final String label;
    private final boolean terminal;
    private long lastDraw;
    private int lastTenth = -1;
    private double lastAccuracy = Double.NaN;

    ProgressBar(PrintWriter err, String label, boolean terminal) {
        this.err = err;
        this.label = label;
        this.terminal = terminal;
    }

    @Override
    public void onStep(StepRecord r, long total) {
        long now = System.nanoTime();
        int tenth = (int) (10 * r.step() / total);
        boolean draw = terminal ? now - lastDraw > 100_000_000L || r.step() == total : tenth != lastTenth;
        if (!draw) {
            return;
        }
        lastDraw = now;
        lastTenth = tenth;
        double rate = r.step() / Math.max(r.seconds(), 1e-9);
        double eta = (total - r.step()) / rate;
        int width = 24;
        int filled = (int) (width * r.step() / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d  %.0f steps/s  loss %.4g%s  ETA %s", label,
                "#".repeat(filled), ".".repeat(width - filled), r.step(), total, rate, r.loss(),
                Double.isNaN(lastAccuracy) ? "" : String.format(Locale.ROOT, "  acc %.2f%%", 100 * lastAccuracy),
                duration(eta));
        if (terminal) {
            err.print("\r" + line + "\u001b[K" + (r.step() == total ? "\n" : ""));
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
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
