package org.optopt.tasks.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.optopt.tasks.data.CharCorpus;
import org.optopt.tasks.data.DataLoader;
import org.optopt.tasks.data.DataResolver;
import org.optopt.tasks.data.Dataset;
import org.optopt.tasks.data.KnownDataSets;

/**
 * The {@link DataSource} over the data layer: files are found (and, if allowed, downloaded and
 * verified) by a {@link DataResolver} and read by {@link DataLoader}. Availability is answered by a
 * second resolver over the same places that never downloads.
 */
public final class ResolverDataSource implements DataSource {
    private final DataLoader loader;
    private final DataResolver localOnly;

    /**
     * @param resolver finds the files to load (may download)
     * @param localOnly finds files without downloading, for {@link #isAvailable}
     */
    public ResolverDataSource(DataResolver resolver, DataResolver localOnly) {
        this.loader = new DataLoader(Objects.requireNonNull(resolver, "resolver"));
        this.localOnly = Objects.requireNonNull(localOnly, "localOnly");
    }

    /**
     * Looks in {@code dataDirectory}, then {@code sharedDirectory}'s {@code data/} (if not null), then
     * system package directories; downloads into {@code dataDirectory} only if {@code download}.
     */
    public static ResolverDataSource of(Path dataDirectory, Path sharedDirectory, boolean download) {
        DataResolver local = new DataResolver(dataDirectory, sharedDirectory, Path.of("/"), null);
        DataResolver loading = download
                ? new DataResolver(dataDirectory, sharedDirectory, Path.of("/"),
                        org.optopt.tasks.data.Downloader.fromSources())
                : local;
        return new ResolverDataSource(loading, local);
    }

    /**
     * The standard places: {@code dataDirectory}, else {@code $OPTOPT_DATA}, else {@code
     * ~/.optopt/data} (see {@link DataResolver#dataDirectory}); then the shared folder named by the
     * system property {@code optopt.shared}, if set; then system packages; downloading into the
     * data directory only if {@code download}.
     */
    public static ResolverDataSource standard(Path dataDirectory, boolean download) {
        Path dir = DataResolver.dataDirectory(dataDirectory, System.getenv(), System.getProperty("user.home"));
        String shared = System.getProperty("optopt.shared");
        return of(dir, shared == null ? null : Path.of(shared), download);
    }

    @Override
    public boolean isAvailable(DataRequirement requirement) {
        try {
            var spec = KnownDataSets.byId(requirement.dataSet());
            for (String file : requirement.files()) {
                localOnly.resolve(spec, file);
            }
            return true;
        } catch (IllegalStateException | IOException e) {
            return false;
        }
    }

    @Override
    public Examples labeled(String dataSet, Split split) throws IOException {
        DataLoader.Split s = split == Split.TRAIN ? DataLoader.Split.TRAIN : DataLoader.Split.TEST;
        Dataset d = switch (dataSet) {
            case "mnist" -> loader.mnist(s);
            case "fashion-mnist" -> loader.fashionMnist(s);
            case "a9a" -> loader.a9a(s);
            case "w8a" -> {
                if (split != Split.TRAIN) {
                    throw new IllegalArgumentException("Data set w8a has only a training file here (no w8a.t)");
                }
                yield loader.w8a();
            }
            default -> throw new IllegalArgumentException("No labelled data set '" + dataSet
                    + "'; labelled data sets are mnist, fashion-mnist, a9a, w8a");
        };
        return new Examples(d.features(), d.width(), d.labels(), d.classes());
    }

    @Override
    public String text(String dataSet) throws IOException {
        if (!dataSet.equals("tinyshakespeare")) {
            throw new IllegalArgumentException("No text corpus '" + dataSet + "'; text corpora are tinyshakespeare");
        }
        CharCorpus corpus = loader.tinyShakespeare();
        return corpus.decode(corpus.ids());
    }
}
