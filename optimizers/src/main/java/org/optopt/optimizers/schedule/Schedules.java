package org.optopt.optimizers.schedule;

import java.util.Locale;

/**
 * The standard schedules (the closed forms of torch.optim.lr_scheduler's), each a multiple of or
 * a path from the base value {@code b} at position {@code t} (steps taken):
 * <ul>
 *   <li>{@link #constant()}: {@code b}</li>
 *   <li>{@link #step(long, double)}: {@code b*gamma^floor(t/stepSize)} (StepLR)</li>
 *   <li>{@link #exponential(double)}: {@code b*gamma^t} (ExponentialLR)</li>
 *   <li>{@link #cosine(long, double)}: {@code min + (b - min)*(1 + cos(pi*t/T))/2} for {@code t <= T},
 *       then {@code min} (CosineAnnealingLR's closed form, held at the end)</li>
 *   <li>{@link #cosineWarmRestarts(long, long, double)}: the cosine over cycles of length
 *       {@code T0, T0*mult, T0*mult^2, ...}, restarting at {@code b} (SGDR; CosineAnnealingWarmRestarts)</li>
 *   <li>{@link #linearWarmup(long, double)}: {@code b*(start + (1 - start)*min(t, W)/W)} (LinearLR)</li>
 *   <li>{@link #polynomial(long, double)}: {@code b*(1 - min(t, T)/T)^power} (PolynomialLR)</li>
 *   <li>{@link #oneCycle(long, double, double, double)}: from {@code b/div} up to {@code b} over the first
 *       {@code pctStart} of {@code T} steps, then down to {@code b/(div*finalDiv)}, both by cosine (OneCycleLR)</li>
 *   <li>{@link #sequence(Schedule, long, Schedule)}: {@code first} for {@code t < at}, then {@code second}
 *       at {@code t - at} (SequentialLR); {@link #warmupCosine(long, long, double)} composes the two common ones</li>
 * </ul>
 */
public final class Schedules {
    private Schedules() {}

    private static void requirePosition(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("Schedule position must be >= 0, got " + t);
        }
    }

    private static long requirePositive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException("Schedule parameter " + name + " must be > 0, got " + v);
        }
        return v;
    }

    private static double requireIn(String name, double v, double low, double high) {
        if (!(v >= low && v <= high)) {
            throw new IllegalArgumentException("Schedule parameter " + name + " = " + v + " must lie in [" + low + ", " + high + "]");
        }
        return v;
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** The base value at every position. */
    public static Schedule constant() {
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                return base;
            }

            @Override
            public String describe() {
                return "constant";
            }
        };
    }

    /** {@code b*gamma^floor(t/stepSize)}. */
    public static Schedule step(long stepSize, double gamma) {
        requirePositive("stepSize", stepSize);
        requireIn("gamma", gamma, 0, Double.MAX_VALUE);
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                return base * Math.pow(gamma, t / stepSize);
            }

            @Override
            public String describe() {
                return fmt("step(stepSize=%d, gamma=%s)", stepSize, gamma);
            }
        };
    }

    /** {@code b*gamma^t}. */
    public static Schedule exponential(double gamma) {
        requireIn("gamma", gamma, 0, Double.MAX_VALUE);
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                return base * Math.pow(gamma, t);
            }

            @Override
            public String describe() {
                return fmt("exponential(gamma=%s)", gamma);
            }
        };
    }

    /** {@code min + (b - min)*(1 + cos(pi*min(t, T)/T))/2}. */
    public static Schedule cosine(long period, double min) {
        requirePositive("period", period);
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                return cosineBetween(base, min, Math.min(t, period), period);
            }

            @Override
            public String describe() {
                return fmt("cosine(T=%d, min=%s)", period, min);
            }
        };
    }

    private static double cosineBetween(double from, double to, double t, double period) {
        return to + (from - to) * (1 + Math.cos(Math.PI * t / period)) / 2;
    }

    /** The cosine over cycles of lengths {@code T0*mult^k}, restarting at the base value. */
    public static Schedule cosineWarmRestarts(long firstPeriod, long mult, double min) {
        requirePositive("firstPeriod", firstPeriod);
        requirePositive("mult", mult);
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                long period = firstPeriod;
                long start = 0;
                while (t >= start + period) {
                    start += period;
                    period = Math.multiplyExact(period, mult);
                }
                return cosineBetween(base, min, t - start, period);
            }

            @Override
            public String describe() {
                return fmt("cosineWarmRestarts(T0=%d, mult=%d, min=%s)", firstPeriod, mult, min);
            }
        };
    }

    /** {@code b*(start + (1 - start)*min(t, W)/W)}: linear from {@code start*b} to {@code b} over W steps. */
    public static Schedule linearWarmup(long steps, double startFactor) {
        requirePositive("steps", steps);
        requireIn("startFactor", startFactor, 0, 1);
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                return base * (startFactor + (1 - startFactor) * Math.min(t, steps) / (double) steps);
            }

            @Override
            public String describe() {
                return fmt("linearWarmup(steps=%d, startFactor=%s)", steps, startFactor);
            }
        };
    }

    /** {@code b*(1 - min(t, T)/T)^power}. */
    public static Schedule polynomial(long total, double power) {
        requirePositive("total", total);
        requireIn("power", power, 0, Double.MAX_VALUE);
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                return base * Math.pow(1 - Math.min(t, total) / (double) total, power);
            }

            @Override
            public String describe() {
                return fmt("polynomial(total=%d, power=%s)", total, power);
            }
        };
    }

    /**
     * The one-cycle policy with cosine annealing, the base value being the peak: phase one rises
     * from {@code b/div} at t = 0 to {@code b} at {@code t = pctStart*T - 1}; phase two falls to
     * {@code b/(div*finalDiv)} at {@code t = T - 1}, and stays there.
     */
    public static Schedule oneCycle(long total, double pctStart, double div, double finalDiv) {
        requirePositive("total", total);
        requireIn("pctStart", pctStart, 0, 1);
        requireIn("div", div, Double.MIN_VALUE, Double.MAX_VALUE);
        requireIn("finalDiv", finalDiv, Double.MIN_VALUE, Double.MAX_VALUE);
        double peakAt = pctStart * total - 1;
        if (!(peakAt > 0 && peakAt < total - 1)) {
            throw new IllegalArgumentException("oneCycle: the peak at pctStart*total - 1 = " + peakAt
                    + " must lie strictly between 0 and total - 1 = " + (total - 1));
        }
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                double initial = base / div;
                double last = initial / finalDiv;
                if (t <= peakAt) {
                    return cosineBetween(initial, base, t, peakAt);
                }
                double end = total - 1;
                return cosineBetween(base, last, Math.min(t, end) - peakAt, end - peakAt);
            }

            @Override
            public String describe() {
                return fmt("oneCycle(total=%d, pctStart=%s, div=%s, finalDiv=%s)", total, pctStart, div, finalDiv);
            }
        };
    }

    /** {@code first} for positions before {@code at}, then {@code second} from its own position 0. */
    public static Schedule sequence(Schedule first, long at, Schedule second) {
        requirePositive("at", at);
        return new Schedule() {
            @Override
            public double value(long t, double base) {
                requirePosition(t);
                return t < at ? first.value(t, base) : second.value(t - at, base);
            }

            @Override
            public String describe() {
                return "sequence(" + first.describe() + " until " + at + ", then " + second.describe() + ")";
            }
        };
    }

    /**
     * Linear warm-up from 0 over {@code warmup} steps, then cosine decay to {@code min} over the
     * remaining {@code total - warmup} steps.
     */
    public static Schedule warmupCosine(long warmup, long total, double min) {
        if (total <= warmup) {
            throw new IllegalArgumentException("warmupCosine: total " + total + " must exceed warmup " + warmup);
        }
        return sequence(linearWarmup(warmup, 0), warmup, cosine(total - warmup, min));
    }
}
