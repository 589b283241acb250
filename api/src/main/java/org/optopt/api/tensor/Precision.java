package org.optopt.api.tensor;

/**
 * How a tensor stores its elements. Arithmetic is float32 whatever the storage: a kernel reads an
 * element as its float value and a store rounds the float result to the storage's precision.
 *
 * <p>{@link #FLOAT16} (IEEE 754 binary16: 11 significant bits, normal from 2^-14 = 6.1e-5, largest
 * finite 65504, subnormal down to 2^-24) halves the bytes a pass moves over a buffer, for state that
 * tolerates a relative rounding of 2^-11 per element (the autocorrelation probe's lag ring). Backends
 * create such tensors with {@link org.optopt.api.backend.Backend#zeros(Shape, Precision)}.
 */
public enum Precision {
    /** IEEE 754 binary32, 4 bytes per element: every tensor's default. */
    FLOAT32(4),
    /** IEEE 754 binary16, 2 bytes per element, rounded to nearest even ({@link Float#floatToFloat16}). */
    FLOAT16(2);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /**
     * {@code x} rounded to this precision, as a float: unchanged for {@link #FLOAT32}; for
     * {@link #FLOAT16} the nearest binary16 value (ties to even), infinity beyond 65520 in magnitude,
     * NaN kept NaN.
     */
    public float round(float x) {
        return this == FLOAT32 ? x : Float.float16ToFloat(Float.floatToFloat16(x));
    }

    /** The lower-case name used on command lines and in files: {@code float32}, {@code float16}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The precision labelled {@code label} ({@link #label()}).
     *
     * @throws IllegalArgumentException naming the label and the known ones
     */
    public static Precision ofLabel(String label) {
        for (Precision p : values()) {
            if (p.label().equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + label + "': expected float32 or float16");
    }
}
