package org.optopt.tasks.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads the known data sets by split, finding their files with a {@link DataResolver}. Features
 * are returned as stored (pixels {@code 0..255}; see {@link Dataset#pixelsToUnitInterval()}).
 */
public final class DataLoader {
    /** Feature count of a9a and a9a.t, from LIBSVM's data page ({@code a9a.t} only reaches index 122). */
    public static final int A9A_FEATURES = 123;
    /** Feature count of w8a, from LIBSVM's data page. */
    public static final int W8A_FEATURES = 300;

    /** Which part of a data set. */
    public enum Split {
        /** The training examples. */
        TRAIN,
        /** The held-out test examples. */
        TEST
    }

    private final DataResolver resolver;

    /** A loader that finds files with {@code resolver}. */
    public DataLoader(DataResolver resolver) {
        this.resolver = resolver;
    }

    /** MNIST: 60000 (train) or 10000 (test) images of 28 x 28 = 784 features, 10 classes. */
    public Dataset mnist(Split split) throws IOException {
        return idx(KnownDataSets.MNIST, split);
    }

    /** Fashion-MNIST: 60000 (train) or 10000 (test) images of 784 features, 10 classes. */
    public Dataset fashionMnist(Split split) throws IOException {
        return idx(KnownDataSets.FASHION_MNIST, split);
    }

    /** a9a ({@code a9a} for train, {@code a9a.t} for test): {@value #A9A_FEATURES} binary features, 2 classes. */
    public Dataset a9a(Split split) throws IOException {
        String name = split == Split.TRAIN ? "a9a" : "a9a.t";
        return LibsvmReader.read(resolver.resolve(KnownDataSets.A9A, name), A9A_FEATURES);
    }

    /** w8a (training file only; LIBSVM's w8a.t is not registered): {@value #W8A_FEATURES} features, 2 classes. */
    public Dataset w8a() throws IOException {
        return LibsvmReader.read(resolver.resolve(KnownDataSets.W8A, "w8a"), W8A_FEATURES);
    }

    /** Tiny Shakespeare as a character corpus. */
    public CharCorpus tinyShakespeare() throws IOException {
        return CharCorpus.read(resolver.resolve(KnownDataSets.TINYSHAKESPEARE, "input.txt"));
    }

    /** CIFAR-10: batches 1-5 (train, 50000 images) or the test batch (10000), 3072 features, 10 classes. */
    public Dataset cifar10(Split split) throws IOException {
        Map<String, Path> files = resolver.resolve(KnownDataSets.CIFAR10);
        List<String> names = split == Split.TRAIN
                ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin")
                : List.of("test_batch.bin");
        return CifarReader.read(names.stream().map(files::get).toList());
    }

    private Dataset idx(DataSetSpec set, Split split) throws IOException {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        return IdxReader.read(resolver.resolve(set, prefix + "-images-idx3-ubyte.gz"),
                resolver.resolve(set, prefix + "-labels-idx1-ubyte.gz"), 10);
    }
}
