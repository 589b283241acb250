package org.optopt.optimizers.golden;

import java.util.List;
import java.util.Map;

/** Typed access to parsed {@link Json} values, failing with the path of the missing or mistyped field. */
final class JsonFields {
    private JsonFields() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String path) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("Field " + path + " must be an object, got " + describe(v));
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Object v, String path) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalArgumentException("Field " + path + " must be an array, got " + describe(v));
    }

    static Object field(Map<String, Object> m, String key, String path) {
        if (!m.containsKey(key)) {
            throw new IllegalArgumentException("Missing field " + path + "." + key);
        }
        return m.get(key);
    }

    static double number(Object v, String path) {
        if (v instanceof Double d) {
            return d;
        }
        throw new IllegalArgumentException("Field " + path + " must be a number, got " + describe(v));
    }

    static String string(Object v, String path) {
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("Field " + path + " must be a string, got " + describe(v));
    }

    static float[] floats(Object v, String path) {
        List<Object> a = array(v, path);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) number(a.get(i), path + "[" + i + "]");
        }
        return out;
    }

    static int[] ints(Object v, String path) {
        List<Object> a = array(v, path);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            double d = number(a.get(i), path + "[" + i + "]");
            if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Field " + path + "[" + i + "] must be a non-negative integer, got " + d);
            }
            out[i] = (int) d;
        }
        return out;
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof Map ? "an object" : v instanceof List ? "an array" : v.toString();
    }
}
