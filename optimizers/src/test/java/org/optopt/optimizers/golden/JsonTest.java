package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.5e-3, 0.125], \"s\": \"x\\\"y\\u00e9\\n\", \"t\": true, \"f\": false,"
                + " \"n\": null, \"o\": {}, \"e\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1.0, -2.5e-3, 0.125), m.get("a"));
        assertEquals("x\"y\u00e9\n", m.get("s"));
        assertTrue(m.containsKey("n") && m.get("n") == null);
        assertEquals(true, m.get("t"));
        assertEquals(false, m.get("f"));
        assertEquals(Map.of(), m.get("o"));
        assertEquals(List.of(), m.get("e"));
        assertEquals(Arrays.asList("a", "s", "t", "f", "n", "o", "e"), List.copyOf(m.keySet()));
    }

    @Test
    void floatsRoundTripExactly() {
        float f = -0.1596236675977707f;
        assertEquals(f, (float) (double) (Double) Json.parse(Double.toString(f)));
    }

    @Test
    void syntaxErrorsNameTheOffset() {
        for (String bad : new String[] {"{\"a\": }", "[1, 2", "{\"a\" 1}", "01", "[1] x", "\"open", "tru"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON syntax error at offset "), e.getMessage());
        }
    }
}
