package org.optopt.tasks.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tasks of the suite, by name. */
public final class TaskRegistry {
    /** A task and whether all its data files are present locally. */
    public record Listing(Task task, boolean dataAvailable) {}

    private final Map<String, Task> byName = new LinkedHashMap<>();

    private TaskRegistry(List<Task> tasks) {
        for (Task t : tasks) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("Duplicate task name '" + t.name() + "'");
            }
        }
    }

    /** The standard suite. */
    public static TaskRegistry standard() {
        return new TaskRegistry(StandardTasks.all());
    }

    /** Every task in suite order. */
    public List<Task> tasks() {
        return List.copyOf(byName.values());
    }

    /** The task names in suite order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * The task called {@code name}.
     *
     * @throws IllegalArgumentException if there is none, listing the known names
     */
    public Task get(String name) {
        Task t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("Unknown task '" + name + "'; known tasks: " + String.join(", ", names()));
        }
        return t;
    }

    /** Every task with whether {@code data} has its files (synthetic tasks always do). */
    public List<Listing> list(DataSource data) {
        List<Listing> out = new ArrayList<>();
        for (Task t : byName.values()) {
            boolean available = true;
            for (DataRequirement r : t.dataRequirements()) {
                available &= data != null && data.isAvailable(r);
            }
            out.add(new Listing(t, available));
        }
        return out;
    }
}
