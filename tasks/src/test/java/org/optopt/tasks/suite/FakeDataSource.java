package org.optopt.tasks.suite;

import java.util.Map;
import java.util.Set;

/** An in-memory {@link DataSource} for tests: fixed labelled splits and texts by data-set id. */
final class FakeDataSource implements DataSource {
    private final Map<String, Examples[]> labeled;
    private final Map<String, String> texts;

    FakeDataSource(Map<String, Examples[]> labeled, Map<String, String> texts) {
        this.labeled = labeled;
        this.texts = texts;
    }

    @Override
    public boolean isAvailable(DataRequirement requirement) {
        return Set.copyOf(labeled.keySet()).contains(requirement.dataSet()) || texts.containsKey(requirement.dataSet());
    }

    @Override
    public Examples labeled(String dataSet, Split split) {
        Examples[] e = labeled.get(dataSet);
        if (e == null) {
            throw new IllegalArgumentException("no data set " + dataSet);
        }
        return e[split.ordinal()];
    }

    @Override
    public String text(String dataSet) {
        String t = texts.get(dataSet);
        if (t == null) {
            throw new IllegalArgumentException("no text " + dataSet);
        }
        return t;
    }
}
