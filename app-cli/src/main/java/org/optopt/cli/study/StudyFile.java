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
        Node original = Node.read(file);
        Node root = original;
        for (String o : overrides) {
            root = override(root, o);
        }
        return Study.from(withoutRemovedTasks(original, root), file.getFileName().toString());
    }

    /**
     * {@code resolved} with its optimizer entries narrowed to the study's tasks where an override
     * removed some of the file's tasks ({@code --set study.tasks=[mnist-mlp]}): an entry's
     * {@code tasks} loses the removed ones, and an entry left with none is dropped, together with
     * the entries that learn from it (they would have no source trials) and {@code baseline} keys
     * naming it (the report then shows no ratio). Only tasks the file named and the overrides
     * removed are taken out, so an entry naming a task the file's study never had is still
     * reported as an error. Values that are not names or lists of names are left for
     * {@link Study#from} to report.
     */
    static Node withoutRemovedTasks(Node original, Node resolved) {
        List<String> before = names(original.isMap() ? original.map().get("tasks") : null);
        List<String> after = names(resolved.isMap() ? resolved.map().get("tasks") : null);
        Node entries = resolved.isMap() ? resolved.map().get("optimizers") : null;
        if (before == null || after == null || entries == null || !entries.isList()) {
            return resolved;
        }
        List<String> removed = before.stream().filter(t -> !after.contains(t)).toList();
        if (removed.isEmpty()) {
            return resolved;
        }
        List<Node> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Node entry : entries.list()) {
            Map<String, Node> m = entry.isMap() ? entry.map() : Map.of();
            List<String> tasks = names(m.get("tasks"));
            Node from = m.get("learned") != null && m.get("learned").isMap() ? m.get("learned").map().get("from") : null;
            if (tasks != null && removed.containsAll(tasks) || from != null && dropped.contains(from.value())) {
                Node name = m.containsKey("label") ? m.get("label") : m.get("spec");
                dropped.add(name == null ? null : String.valueOf(name.value()));
            } else if (tasks != null && tasks.stream().anyMatch(removed::contains)) {
                Map<String, Node> narrowed = new LinkedHashMap<>(m);
                narrowed.put("tasks", new Node(tasks.stream().filter(t -> !removed.contains(t))
                        .map(t -> new Node(t, m.get("tasks").line())).toList(), m.get("tasks").line()));
                kept.add(new Node(narrowed, entry.line()));
            } else {
                kept.add(entry);
            }
        }
        List<Node> out = new ArrayList<>();
        for (Node entry : kept) {
            Node baseline = entry.isMap() ? entry.map().get("baseline") : null;
            if (baseline != null && dropped.contains(baseline.value())) {
                Map<String, Node> m = new LinkedHashMap<>(entry.map());
                m.remove("baseline");
                entry = new Node(m, entry.line());
            }
            out.add(entry);
        }
        Map<String, Node> study = new LinkedHashMap<>(resolved.map());
        study.put("optimizers", new Node(out, entries.line()));
        return new Node(study, resolved.line());
    }

    /** The names of a {@code tasks} value (a name or a list of names), or null for anything else. */
    private static List<String> names(Node n) {
        if (n != null && n.value() instanceof String s) {
            return List.of(s);
        }
        if (n == null || !n.isList() || !n.list().stream().allMatch(v -> v.value() instanceof String)) {
            return null;
        }
        return n.list().stream().map(v -> (String) v.value()).toList();
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
