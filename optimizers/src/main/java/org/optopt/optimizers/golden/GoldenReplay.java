package org.optopt.optimizers.golden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;

/**
 * Replays golden files of any registered {@link GoldenFormat} (by default: {@link TorchGolden},
 * {@link GdtuoGolden} and {@link OptoptGolden}, tried in this order), dispatching on each file's fields.
 */
public final class GoldenReplay {
    private final List<GoldenFormat> formats;

    /** A replayer for the given formats, tried in order. */
    public GoldenReplay(List<GoldenFormat> formats) {
        this.formats = List.copyOf(formats);
    }

    /** The formats this module knows. */
    public static GoldenReplay standard(Optimizers registry) {
        return new GoldenReplay(List.of(new TorchGolden(registry), new GdtuoGolden(registry), new OptoptGolden(registry)));
    }

    /** This replayer with one more format. */
    public GoldenReplay with(GoldenFormat format) {
        List<GoldenFormat> all = new ArrayList<>(formats);
        all.add(format);
        return new GoldenReplay(all);
    }

    /**
     * Reads and replays one file.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not valid JSON, of no known format, or malformed
     */
    public GoldenResult replay(Path file, Backend backend) throws IOException {
        Map<String, Object> json = JsonFields.object(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "$");
        for (GoldenFormat f : formats) {
            if (f.accepts(json)) {
                return f.replay(json, file.toString(), backend);
            }
        }
        throw new IllegalArgumentException(file + " is of no known golden format (known: "
                + formats.stream().map(GoldenFormat::name).toList() + ")");
    }
}
