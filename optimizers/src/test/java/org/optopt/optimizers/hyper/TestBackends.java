package org.optopt.optimizers.hyper;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BackendProvider;
import org.optopt.api.backend.Backends;
import org.optopt.api.testkit.ReferenceBackend;

/** The backends the tower tests run on: the reference backend and nd4j (found by name, never imported). */
public final class TestBackends {
    private TestBackends() {}

    /** The nd4j backend; the test is skipped (with the reason) if it is unavailable. */
    public static Backend nd4j() {
        BackendProvider p = Backends.discover().provider("nd4j");
        Assumptions.assumeTrue(p.availability().available(), () -> "nd4j unavailable: " + p.availability());
        return p.create(Map.of());
    }

    /** The backend names of {@link #named(String)}. */
    public static List<String> names() {
        return List.of("reference", "nd4j");
    }

    /** The backend called {@code name} in {@link #names()}. */
    public static Backend named(String name) {
        return name.equals("nd4j") ? nd4j() : new ReferenceBackend();
    }
}
