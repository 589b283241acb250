package org.optopt.tasks.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the files of a {@link DataSetSpec}, checking each against its registered checksum.
 *
 * <p>Each file is looked for, in this order:
 * <ol>
 *   <li>the data directory: {@code <data>/<directory>/<name>} (for gzip files also the
 *       uncompressed copy without {@code .gz}); see {@link #dataDirectory(Path, Map, String)};
 *   <li>the directories where system packages install it ({@link DataSetSpec#systemDirectories()});
 *   <li>the shared directory's layout {@code <shared>/data/<directory>/<name>};
 *   <li>a download ({@link Downloader}) into the data directory.
 * </ol>
 * For a data set published as an archive ({@link DataSetSpec#archive()}), missing files are
 * extracted into the data directory from the archive, which is itself looked for in the data and
 * shared directories before it is downloaded.
 *
 * <p>A file that is found but does not match its checksum is an error, not skipped: the message
 * names it with the expected and actual checksum. When nothing is found the error lists every
 * place searched and how to get the file.
 */
public final class DataResolver {
    /** Environment variable naming the data directory. */
    public static final String DATA_ENV = "OPTOPT_DATA";
    /** System property naming the shared directory (the one holding {@code data/}). */
    public static final String SHARED_PROPERTY = "optopt.shared";

    private final Path dataDirectory;
    private final Path sharedDirectory;
    private final Path systemRoot;
    private final Downloader downloader;

    /**
     * @param dataDirectory where files are looked for first and downloads are stored
     * @param sharedDirectory the directory holding {@code data/}, or {@code null} for none
     * @param systemRoot the file-system root under which system package directories are looked
     *     for ({@code /} normally)
     * @param downloader how to download, or {@code null} to never download
     */
    public DataResolver(Path dataDirectory, Path sharedDirectory, Path systemRoot, Downloader downloader) {
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.sharedDirectory = sharedDirectory;
        this.systemRoot = systemRoot;
        this.downloader = downloader;
    }

    /**
     * The resolver of a normal run: the data directory of {@link #dataDirectory(Path, Map, String)},
     * the shared directory of the system property {@value #SHARED_PROPERTY} (if set), system
     * packages under {@code /}, downloads from each data set's sources.
     *
     * @param explicitDataDirectory the data directory given on the command line, or {@code null}
     */
    public static DataResolver standard(Path explicitDataDirectory) {
        String shared = System.getProperty(SHARED_PROPERTY);
        return new DataResolver(
                dataDirectory(explicitDataDirectory, System.getenv(), System.getProperty("user.home")),
                shared == null || shared.isBlank() ? null : Path.of(shared),
                Path.of("/"),
                Downloader.fromSources());
    }

    /**
     * The data directory: {@code explicit} if given, else the environment variable
     * {@value #DATA_ENV} if set, else {@code <userHome>/.optopt/data}.
     */
    public static Path dataDirectory(Path explicit, Map<String, String> environment, String userHome) {
        if (explicit != null) {
            return explicit;
        }
        String fromEnvironment = environment.get(DATA_ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        return Path.of(userHome, ".optopt", "data");
    }

    /** The data directory of this resolver. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** All files of the data set {@code id} (see {@link KnownDataSets#byId(String)}), by file name. */
    public Map<String, Path> resolve(String id) throws IOException {
        return resolve(KnownDataSets.byId(id));
    }

    /** All files of {@code set}, by file name, in registry order. */
    public Map<String, Path> resolve(DataSetSpec set) throws IOException {
        Map<String, Path> paths = new LinkedHashMap<>();
        for (DataFile file : set.files()) {
            paths.put(file.name(), resolve(set, file.name()));
        }
        return paths;
    }

    /**
     * One file of {@code set}.
     *
     * @throws IllegalStateException if a copy found or downloaded does not match its checksum,
     *     or if the file is found nowhere (the message lists the places searched)
     */
    public Path resolve(DataSetSpec set, String fileName) throws IOException {
        DataFile file = set.file(fileName);
        List<String> searched = new ArrayList<>();
        Path found = findLocally(set, file, searched);
        if (found != null) {
            return found;
        }
        if (set.archive() != null) {
            DataFile archive = set.archive().file();
            Path archivePath = findLocally(set, archive, searched);
            if (archivePath == null) {
                archivePath = download(set, archive, searched);
            }
            if (archivePath != null) {
                extractMissing(set, archivePath);
                Path extracted = dataDirectory.resolve(set.directory()).resolve(file.name());
                return verified(set, file, extracted, false, "extracted from " + archivePath);
            }
        } else {
            Path downloaded = download(set, file, searched);
            if (downloaded != null) {
                return downloaded;
            }
        }
        throw notFound(set, file, searched);
    }

    /** A directory searched, and what kind of place it is (for messages). */
    private record Place(Path directory, String kind) {}

    /** The local places of {@code set}, in search order. */
    private List<Place> places(DataSetSpec set) {
        List<Place> places = new ArrayList<>();
        places.add(new Place(dataDirectory.resolve(set.directory()), "data directory"));
        for (Path system : set.systemDirectories()) {
            places.add(new Place(systemRoot.resolve(system.getRoot().relativize(system)), "system package directory"));
        }
        if (sharedDirectory != null) {
            places.add(new Place(sharedDirectory.resolve("data").resolve(set.directory()), "shared directory"));
        }
        return places;
    }

    private Path findLocally(DataSetSpec set, DataFile file, List<String> searched) throws IOException {
        for (Place place : places(set)) {
            Path candidate = place.directory().resolve(file.name());
            if (Files.isRegularFile(candidate)) {
                return verified(set, file, candidate, false, place.kind());
            }
            searched.add(candidate + " (" + place.kind() + ")");
            if (file.uncompressedName() != null) {
                Path raw = place.directory().resolve(file.uncompressedName());
                if (Files.isRegularFile(raw)) {
                    return verified(set, file, raw, true, place.kind());
                }
                searched.add(raw + " (" + place.kind() + ", uncompressed)");
            }
        }
        return null;
    }

    private static Path verified(DataSetSpec set, DataFile file, Path candidate, boolean uncompressed,
            String kind) throws IOException {
        String mismatch = Checksums.mismatch(candidate, file, uncompressed);
        if (mismatch != null) {
            throw new IllegalStateException("Data set " + set.id() + ": " + candidate + " (" + kind
                    + ") is not the published " + file.name() + ": " + mismatch
                    + ". Delete or replace it.");
        }
        return candidate;
    }

    private Path download(DataSetSpec set, DataFile file, List<String> searched) throws IOException {
        if (downloader == null) {
            searched.add("no download (downloads disabled)");
            return null;
        }
        Path target = dataDirectory.resolve(set.directory()).resolve(file.name());
        for (URI url : downloader.urls(set, file)) {
            try {
                downloader.download(url, file, target);
                return target;
            } catch (IOException | IllegalStateException e) {
                searched.add("download " + url + " failed: " + e.getMessage());
            }
        }
        return null;
    }

    private void extractMissing(DataSetSpec set, Path archive) throws IOException {
        Map<String, Path> targets = new LinkedHashMap<>();
        for (DataFile member : set.files()) {
            Path target = dataDirectory.resolve(set.directory()).resolve(member.name());
            if (!Files.isRegularFile(target)) {
                targets.put(set.archive().memberDirectory() + member.name(), target);
            }
        }
        TarGz.extract(archive, targets);
    }

    private IllegalStateException notFound(DataSetSpec set, DataFile file, List<String> searched) {
        StringBuilder message = new StringBuilder("Data set " + set.id() + ": file " + file.name()
                + " not found. Searched:");
        for (String place : searched) {
            message.append("\n  - ").append(place);
        }
        DataFile published = set.published(file);
        message.append("\nTo get it, download ");
        message.append(set.sources().isEmpty() ? published.name()
                : String.join(" or ", set.sources().stream().map(s -> s.resolve(published.name()).toString()).toList()));
        if (published.sha256() != null) {
            message.append(" (sha256 ").append(published.sha256()).append(")");
        }
        message.append(" into ").append(dataDirectory.resolve(set.directory()));
        message.append(", or point the data directory (explicit option or ").append(DATA_ENV)
                .append(") at a directory holding ")
                .append(set.directory()).append('/').append(published.name());
        if (set.systemPackage() != null) {
            message.append(", or install ").append(set.systemPackage());
        }
        message.append(". License: ").append(set.license());
        return new IllegalStateException(message.toString());
    }
}
