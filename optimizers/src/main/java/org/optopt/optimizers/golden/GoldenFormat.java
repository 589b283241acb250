package org.optopt.optimizers.golden;

import java.util.Map;
import org.optopt.api.backend.Backend;

/**
 * One format of golden trajectory files (e.g. torch.optim's, gdtuo's): recognizes its files and
 * replays them through our optimizers. New formats are added to a {@link GoldenReplay}.
 */
public interface GoldenFormat {

    /** The format's name, e.g. {@code torch}. */
    String name();

    /** Whether the parsed file is of this format. */
    boolean accepts(Map<String, Object> json);

    /**
     * Replays the file and compares every step.
     *
     * @param source names the file in the result and in messages
     * @throws IllegalArgumentException if the file is malformed or names an unsupported optimizer
     */
    GoldenResult replay(Map<String, Object> json, String source, Backend backend);
}
