package org.optopt.cli.study;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a study file with the line it starts on: a mapping, a list, or a scalar (number,
 * string, boolean or null). Files are read with Jackson's streaming parsers (YAML, or JSON for a
 * {@code .json} file), so every value keeps its source line for error messages, which a data-bound
 * tree would lose.
 *
 * @param value a {@code Map<String, Node>} (in file order), a {@code List<Node>}, a {@code Double},
 *     a {@code String}, a {@code Boolean} or null
 * @param line the 1-based line of the value in its file (0 for values from the command line)
 */
public record Node(Object value, int line) {
    /** Copies mappings and lists into unmodifiable collections. */
    public Node {
        if (value instanceof Map<?, ?> m) {
            value = Collections.unmodifiableMap(new LinkedHashMap<>(m));
        } else if (value instanceof List<?> l) {
            value = List.copyOf(l);
        }
    }

    /** Reads a YAML file, or a JSON file where the name ends in {@code .json}. */
    public static Node read(Path file) throws IOException {
        String text = Files.readString(file);
        String name = file.getFileName().toString();
        return parse(text, name.endsWith(".json"), name);
    }

    /**
     * Parses one document.
     *
     * @param json JSON instead of YAML
     * @param source names the text in messages
     * @throws StudyException on a syntax error, naming the line
     */
    public static Node parse(String text, boolean json, String source) {
        JsonFactory factory = json ? new JsonFactory() : new YAMLFactory();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Node(Map.of(), 1);
            }
            Node root = read(p);
            if (p.nextToken() != null) {
                throw new StudyException(source + ":" + p.currentTokenLocation().getLineNr()
                        + ": more than one document");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new StudyException(source + ":" + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
                    + ": " + e.getOriginalMessage().lines().findFirst().orElse("syntax error"));
        } catch (IOException e) {
            throw new StudyException(source + ": " + e.getMessage());
        }
    }

    private static Node read(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, read(p));
                }
                return new Node(map, line);
            }
            case START_ARRAY -> {
                List<Node> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return new Node(list, line);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Node(p.getDoubleValue(), line);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node(p.getBooleanValue(), line);
            }
            case VALUE_NULL -> {
                return new Node(null, line);
            }
            default -> {
                return new Node(p.getText(), line);
            }
        }
    }

    /** Whether this is a mapping. */
    public boolean isMap() {
        return value instanceof Map;
    }

    /** Whether this is a list. */
    public boolean isList() {
        return value instanceof List;
    }

    /** The entries of a mapping. */
    @SuppressWarnings("unchecked")
    public Map<String, Node> map() {
        return (Map<String, Node>) value;
    }

    /** The elements of a list. */
    @SuppressWarnings("unchecked")
    public List<Node> list() {
        return (List<Node>) value;
    }

    /** This tree as plain Java values (maps, lists, doubles, strings, booleans), for writing. */
    public Object plain() {
        if (isMap()) {
            Map<String, Object> out = new LinkedHashMap<>();
            map().forEach((k, v) -> out.put(k, v.plain()));
            return out;
        }
        if (isList()) {
            return list().stream().map(Node::plain).toList();
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        return value;
    }
}
