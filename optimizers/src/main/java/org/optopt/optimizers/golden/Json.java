package org.optopt.optimizers.golden;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads golden files (RFC 8259 JSON, parsed by Jackson) into plain values: objects become
 * {@link LinkedHashMap}s, arrays {@link ArrayList}s, and strings, booleans and null themselves.
 *
 * <p>Every number becomes a {@link Double}, integers included, so that the golden readers need one
 * numeric type; Jackson parses decimal numbers with {@link Double#parseDouble}, so values are
 * bit-identical to the file's shortest round-trip representation.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /**
     * Parses one JSON value that makes up the whole text.
     *
     * @throws IllegalArgumentException naming the offset of the first syntax error
     */
    public static Object parse(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            long offset = at == null ? 0 : Math.max(at.getCharOffset(), 0);
            throw new IllegalArgumentException("JSON syntax error at offset " + offset + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("JSON syntax error at offset " + text.length() + ": unexpected end of input");
        }
        return plain(root);
    }

    private static Object plain(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                node.properties().forEach(e -> m.put(e.getKey(), plain(e.getValue())));
                yield m;
            }
            case ARRAY -> {
                List<Object> a = new ArrayList<>(node.size());
                node.forEach(e -> a.add(plain(e)));
                yield a;
            }
            case NUMBER -> node.doubleValue();
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NULL -> null;
            case BINARY, MISSING, POJO -> throw new IllegalArgumentException("JSON value of unexpected kind " + node.getNodeType());
        };
    }
}
