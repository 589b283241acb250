package org.optopt.tasks.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a resolver needs to know about a data set: its files, where they are downloaded from,
 * where system packages install them, and its license. The known data sets are the rows of
 * {@link KnownDataSets}.
 *
 * @param id the id used on the command line, e.g. {@code fashion-mnist}
 * @param directory directory of the files inside a data directory and inside {@code shared/data}
 * @param sources base URLs to download from, canonical first; a file's URL is the base plus its
 *     name (for a data set with an {@code archive}, the archive's name)
 * @param systemDirectories absolute directories where operating-system packages install the files
 * @param systemPackage the package that installs them there, or {@code null}
 * @param license license and citation note
 * @param archive the tar.gz archive the files are published in, or {@code null} if they are
 *     published one by one
 * @param files the data set's files
 */
public record DataSetSpec(String id, String directory, List<URI> sources, List<Path> systemDirectories,
        String systemPackage, String license, Archive archive, List<DataFile> files) {

    /**
     * A tar.gz archive in which a data set is published; its members
     * {@code memberDirectory + name} are the data set's files.
     *
     * @param file the archive file as published
     * @param memberDirectory prefix of the members' names in the archive, empty or ending in {@code /}
     */
    public record Archive(DataFile file, String memberDirectory) {
        /** Validates the member directory. */
        public Archive {
            if (!memberDirectory.isEmpty() && !memberDirectory.endsWith("/")) {
                throw new IllegalArgumentException("archive " + file.name() + ": member directory '"
                        + memberDirectory + "' must be empty or end with '/'");
            }
        }
    }

    /** Validates and copies the lists. */
    public DataSetSpec {
        if (id.isBlank() || directory.isBlank() || directory.contains("/")) {
            throw new IllegalArgumentException("data set id '" + id + "' and directory '" + directory
                    + "' must be non-blank, the directory a single name");
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("data set " + id + " has no files");
        }
        Set<String> names = new HashSet<>();
        for (DataFile file : files) {
            if (!names.add(file.name())) {
                throw new IllegalArgumentException("data set " + id + " lists " + file.name() + " twice");
            }
        }
        for (URI source : sources) {
            if (!source.getPath().endsWith("/")) {
                throw new IllegalArgumentException("data set " + id + ": source " + source + " must end with '/'");
            }
        }
        for (Path system : systemDirectories) {
            if (!system.isAbsolute()) {
                throw new IllegalArgumentException("data set " + id + ": system directory " + system + " is not absolute");
            }
        }
        sources = List.copyOf(sources);
        systemDirectories = List.copyOf(systemDirectories);
        files = List.copyOf(files);
    }

    /** The file called {@code name}; an unknown name fails and lists the data set's files. */
    public DataFile file(String name) {
        for (DataFile file : files) {
            if (file.name().equals(name)) {
                return file;
            }
        }
        throw new IllegalArgumentException("data set " + id + " has no file '" + name + "'; its files: "
                + files.stream().map(DataFile::name).collect(Collectors.joining(", ")));
    }

    /** The file that is downloaded: the archive if there is one, else {@code file}. */
    DataFile published(DataFile file) {
        return archive != null ? archive.file() : file;
    }
}
