package org.optopt.cli.study;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.optopt.tasks.training.RunDirectory;

/**
 * Loads a study file and applies command-line overrides: {@code study.seeds=5},
 * {@code study.budget.steps=200}, {@code study.optimizers[0].grid.lr=[1e-3, 1e-2]}. An override's
 * value is read as YAML (so lists and mappings work) and replaces or adds the value at its key path;
 * list indices must exist. The resolved study (every override applied) is what
 * {@link #write(Study, Path)} saves beside the results.
 */
public final class StudyFile {
    private static final String PREFIX = "study.";
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[[0-9]+\\])*)");

    private StudyFile() {}

    /**
     * Reads {@code file}, applies {@code overrides} ({@code study.PATH=VALUE}) and checks the result.
     *
     * @throws StudyException on a syntax error, a bad override or an invalid study, in one line
     * @throws IOException if the file cannot be read
     */
    public static Study load(Path file, List<String> overrides) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new StudyException("Study file " + file + " does not exist");
        }
        Node root = Node.read(file);
        for (String o : overrides) {
            root = override(root, o);
        }
        return Study.from(root, file.getFileName().toString());
    }

    /** {@code root} with one {@code study.PATH=VALUE} override applied. */
    static Node override(Node root, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 0 || !assignment.startsWith(PREFIX)) {
            throw new StudyException("--set " + assignment + ": expected study.KEY=VALUE, e.g. study.seeds=5");
        }
        String path = assignment.substring(PREFIX.length(), eq).strip();
        Node value = lineless(Node.parse(assignment.substring(eq + 1), false, "--set " + path));
        List<Object> keys = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                throw new StudyException("--set " + assignment + ": '" + part + "' is not a key or key[index]");
            }
            keys.add(m.group(1));
            Matcher idx = Pattern.compile("\\[([0-9]+)\\]").matcher(m.group(2));
            while (idx.find()) {
                keys.add(Integer.parseInt(idx.group(1)));
            }
        }
        return replace(root, keys, 0, value, "--set study." + path);
    }

    private static Node replace(Node node, List<Object> keys, int at, Node value, String what) {
        if (at == keys.size()) {
            return value;
        }
        Object key = keys.get(at);
        if (key instanceof Integer i) {
            if (!node.isList() || i >= node.list().size()) {
                throw new StudyException(what + ": no list element [" + i + "] there");
            }
            List<Node> list = new ArrayList<>(node.list());
            list.set(i, replace(list.get(i), keys, at + 1, value, what));
            return new Node(list, node.line());
        }
        if (!node.isMap()) {
            throw new StudyException(what + ": '" + key + "' is inside a value that is not a mapping");
        }
        Map<String, Node> map = new LinkedHashMap<>(node.map());
        Node child = map.getOrDefault((String) key, new Node(Map.of(), 0));
        map.put((String) key, replace(child, keys, at + 1, value, what));
        return new Node(map, node.line());
    }

    /** A tree from the command line: line 0 everywhere, so messages say "--set". */
    private static Node lineless(Node n) {
        if (n.isMap()) {
            Map<String, Node> m = new LinkedHashMap<>();
            n.map().forEach((k, v) -> m.put(k, lineless(v)));
            return new Node(m, 0);
        }
        if (n.isList()) {
            return new Node(n.list().stream().map(StudyFile::lineless).toList(), 0);
        }
        return new Node(n.value(), 0);
    }

    /** Writes the resolved study (as YAML) to {@code file} atomically. */
    public static void write(Study study, Path file) throws IOException {
        YAMLMapper yaml = new YAMLMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
        RunDirectory.writeAtomically(file, yaml.writeValueAsString(study.tree().plain()));
    }
}
