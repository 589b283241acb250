package org.optopt.tasks.autodiff;

import java.util.Locale;

/**
 * How {@link Conv#conv2d} computes a convolution: by im2col and one matrix product, by Winograd
 * minimal filtering ({@link Winograd}) with a given output tile, or chosen per layer ({@link #AUTO}).
 * Written {@code auto}, {@code im2col}, {@code winograd}, or {@code auto:M} and {@code winograd:M}
 * with M outputs per tile side; the launcher's {@value #PROPERTY} system property sets the default of every
 * {@link org.optopt.tasks.nn.Conv2d} layer, e.g.
 * {@code OPTOPT_JAVA_OPTS=-Doptopt.conv=im2col bin/optopt bench task --task fmnist-2c2d}.
 *
 * @param kind the method
 * @param outputTile outputs per tile side where Winograd is used, 0 to choose by kernel size
 *     ({@link Winograd#outputTile}); 0 for {@link Kind#IM2COL}
 */
public record ConvAlgorithm(Kind kind, int outputTile) {
    /** The system property naming the default algorithm. */
    public static final String PROPERTY = "optopt.conv";

    /** Winograd where it pays ({@link Winograd#pays}), im2col elsewhere. */
    public static final ConvAlgorithm AUTO = new ConvAlgorithm(Kind.AUTO, 0);

    /** im2col and one matrix product, for every geometry. */
    public static final ConvAlgorithm IM2COL = new ConvAlgorithm(Kind.IM2COL, 0);

    /** The methods. */
    public enum Kind {
        /** Winograd where it pays, im2col elsewhere. */
        AUTO,
        /** im2col and one matrix product. */
        IM2COL,
        /** Winograd minimal filtering (square kernels, stride 1; im2col for any other geometry). */
        WINOGRAD
    }

    /** Validates the tile. */
    public ConvAlgorithm {
        java.util.Objects.requireNonNull(kind, "kind");
        if (outputTile < 0 || (kind == Kind.IM2COL && outputTile != 0)) {
            throw new IllegalArgumentException("ConvAlgorithm " + kind + ": invalid output tile " + outputTile);
        }
    }

    /**
     * Parses {@code auto}, {@code im2col}, {@code winograd}, {@code auto:M} or {@code winograd:M} (M
     * from 1 to 14).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms otherwise
     */
    public static ConvAlgorithm parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("im2col")) {
            return IM2COL;
        }
        for (Kind kind : new Kind[] {Kind.AUTO, Kind.WINOGRAD}) {
            String name = kind.name().toLowerCase(Locale.ROOT);
            if (t.equals(name)) {
                return new ConvAlgorithm(kind, 0);
            }
            if (t.startsWith(name + ":")) {
                try {
                    int m = Integer.parseInt(t.substring(name.length() + 1));
                    if (m >= 1 && m <= 14) {
                        return new ConvAlgorithm(kind, m);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
        }
        throw new IllegalArgumentException("Unknown convolution algorithm '" + text
                + "': expected auto, im2col, winograd, auto:M or winograd:M with M from 1 to 14");
    }

    /** The algorithm the {@value #PROPERTY} system property names, {@link #AUTO} if it is unset. */
    public static ConvAlgorithm fromSystemProperty() {
        String v = System.getProperty(PROPERTY);
        return v == null ? AUTO : parse(v);
    }

    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return outputTile > 0 ? name + ":" + outputTile : name;
    }
}
