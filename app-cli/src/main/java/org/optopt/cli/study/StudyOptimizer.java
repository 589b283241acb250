package org.optopt.cli.study;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.optopt.cli.format.Numbers;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.optimizers.spec.Towers;

/**
 * A study's optimizer as its file gives it: the spec text and the settings applied to it. The
 * settings start with a single optimizer's arguments as written ({@link OptimizerSpecs#writtenArguments}),
 * the form in which trials have always been keyed, so trial hashes stay what they were. The text
 * is resolved against the registry only when a trial is checked or run.
 *
 * @param text the optimizer or tower as written, e.g. {@code sgd(0.1)} or {@code adam/sgd(1e-5)}
 * @param settings the settings by name, in order
 */
public record StudyOptimizer(String text, Map<String, Object> settings) {
    /** Copies the settings. */
    public StudyOptimizer {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * The optimizer {@code text} with its written arguments as settings.
     *
     * @throws org.optopt.optimizers.spec.SpecException on a syntax error, naming the column
     */
    public static StudyOptimizer of(String text) {
        return new StudyOptimizer(text.strip(), OptimizerSpecs.writtenArguments(text));
    }

    /** This optimizer with {@code more} settings (replacing equal names). */
    public StudyOptimizer with(Map<String, Object> more) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.putAll(more);
        return new StudyOptimizer(text, all);
    }

    private boolean tower() {
        return text.contains("/") || text.startsWith(Towers.GDTUO_PREFIX);
    }

    /** A single optimizer's name, or a tower's whole stack. */
    public String name() {
        return tower() ? text : text.split("\\(")[0].strip();
    }

    /** {@code name(k=v, ...)}, or for a tower {@code stack [k=v, ...]}, numbers as {@link Numbers#compact} writes them. */
    @Override
    public String toString() {
        if (settings.isEmpty()) {
            return name();
        }
        String body = settings.entrySet().stream().map(e -> e.getKey() + "="
                + (e.getValue() instanceof Double d ? Numbers.compact(d) : e.getValue())).collect(Collectors.joining(", "));
        return tower() ? name() + " [" + body + "]" : name() + "(" + body + ")";
    }
}
