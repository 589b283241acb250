package org.optopt.tasks.training;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON for run files (and the {@code optopt} command's {@code --json} output), written by Jackson
 * on one line as {@code {"key": value, ...}}. Maps keep their iteration order and may nest;
 * non-finite numbers (JSON has none) are written as {@code null}.
 */
public final class Json {
    private static final ObjectWriter WRITER = new ObjectMapper().writer(new OneLine());

    private Json() {}

    /** One JSON object with the entries in iteration order. */
    public static String object(Map<String, ?> entries) {
        try {
            return WRITER.writeValueAsString(finite(entries));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A JSON string literal with the required escapes. */
    public static String string(String s) {
        try {
            return WRITER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The value with non-finite floating-point numbers replaced by null, at any depth. */
    private static Object finite(Object v) {
        if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, finite(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(Json::finite).toList();
        }
        return v;
    }

    /** {@code {"a": 1, "b": [1, 2]}}: one line, a space after each colon and comma. */
    private static final class OneLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }
}
