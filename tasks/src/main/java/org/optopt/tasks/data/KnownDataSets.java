package org.optopt.tasks.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The registry of data sets optopt knows how to find: one row per data set with its files
 * (size and SHA-256), where it is downloaded from, where system packages install it, and its
 * license. Every fact is stated here once; {@link DataResolver} and the tests read it from here.
 *
 * <p>Checksums: those of MNIST, Fashion-MNIST, a9a, w8a and tinyshakespeare are the ones of
 * {@code shared/data/README.md}, each checked there against an independently published checksum
 * or a second copy; the content checksums (after gunzip) were computed from those verified
 * files. CIFAR-10's page publishes only the archive's md5 ({@code c32a1d4ab5d03f1284b67883e8d87530});
 * the archive's SHA-256 below is the one recorded next to that md5 by third parties, and the
 * batch files inside have no published checksum (only their size is checked).
 *
 * <p>A data set's files live in a directory named {@link DataSetSpec#directory()} both in a data directory
 * and in the shared directory's {@code data/} folder (the two LIBSVM sets share {@code libsvm}).
 *
 * <p>Columns of each row: id, directory, download sources, system directories, system package,
 * license, archive, files (name, bytes, sha256, sha256 of the gunzipped content).
 */
public final class KnownDataSets {

    /** MNIST handwritten digits (IDX, gzip): 60000 training and 10000 test images of 28x28. */
    public static final DataSetSpec MNIST = spec("mnist", "mnist",
            // LeCun's page (canonical) often refuses downloads; torchvision's mirror serves the same files.
            List.of("http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"),
            List.of(), null,
            "No explicit license on LeCun's page; commonly redistributed as CC BY-SA 3.0. Cite LeCun et al. 1998.",
            null,
            gz("train-images-idx3-ubyte.gz", 9912422,
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            gz("train-labels-idx1-ubyte.gz", 28881,
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            gz("t10k-images-idx3-ubyte.gz", 1648877,
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            gz("t10k-labels-idx1-ubyte.gz", 4542,
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    /** Fashion-MNIST (IDX, gzip): 60000 training and 10000 test images of 28x28, 10 balanced classes. */
    public static final DataSetSpec FASHION_MNIST = spec("fashion-mnist", "fashion-mnist",
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            // Debian's package dataset-fashion-mnist (0.0~git20200523.55506a9-1, bookworm main) installs
            // the four .gz files here (found with `apt-get download` and `dpkg -c`). Debian rewrote the
            // gzip headers, so its files match by content checksum, not by file checksum.
            List.of(Path.of("/usr/share/datasets/fashion-mnist")), "Debian's package dataset-fashion-mnist",
            "MIT, Copyright 2017 Zalando SE. Cite Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747.",
            null,
            gz("train-images-idx3-ubyte.gz", 26421880,
                    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            gz("train-labels-idx1-ubyte.gz", 29515,
                    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            gz("t10k-images-idx3-ubyte.gz", 4422102,
                    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            gz("t10k-labels-idx1-ubyte.gz", 5148,
                    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    /** LIBSVM a9a (UCI Adult): 32561 training rows ({@code a9a}), 16281 test rows ({@code a9a.t}), 123 features. */
    public static final DataSetSpec A9A = spec("a9a", "libsvm",
            List.of("https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/binary/"),
            List.of(), null,
            "No explicit license on the LIBSVM data page; derived from UCI Adult (CC BY 4.0). "
                    + "Cite Chang & Lin (LIBSVM), Kohavi 1996 and Platt 1998.",
            null,
            plain("a9a", 2329875, "f5d5ffd8d865ff41328e7ee043e4b020816914ff6843ff15b98905ddbedce906"),
            plain("a9a.t", 1164628, "1f448a153f0320399a7e40836eb207655b0bde0f21fc941cc472193daa9f5de9"));

    /** LIBSVM w8a: 49749 rows, 300 features. */
    public static final DataSetSpec W8A = spec("w8a", "libsvm",
            List.of("https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/binary/"),
            List.of(), null,
            "No explicit license on the LIBSVM data page. Cite Chang & Lin (LIBSVM) and Platt 1998.",
            null,
            plain("w8a", 3478239, "b464b4f6ce6a5d9e181ffc793e19a04751036273722312398ef7673705014902"));

    /** Tiny Shakespeare (char-rnn): 1115394 ASCII characters. */
    public static final DataSetSpec TINYSHAKESPEARE = spec("tinyshakespeare", "tinyshakespeare",
            List.of("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/"),
            List.of(), null,
            "Shakespeare's text is public domain; shipped in karpathy/char-rnn (MIT code).",
            null,
            plain("input.txt", 1115394, "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"));

    /** CIFAR-10 binary version: five training batches and one test batch of 10000 32x32 colour images. */
    public static final DataSetSpec CIFAR10 = spec("cifar10", "cifar10",
            List.of("https://www.cs.toronto.edu/~kriz/"),
            List.of(), null,
            "No explicit license on Krizhevsky's page. Cite Krizhevsky 2009, "
                    + "Learning Multiple Layers of Features from Tiny Images.",
            new DataSetSpec.Archive(plain("cifar-10-binary.tar.gz", 170052171,
                    "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"), "cifar-10-batches-bin/"),
            unchecked("data_batch_1.bin", 30730000),
            unchecked("data_batch_2.bin", 30730000),
            unchecked("data_batch_3.bin", 30730000),
            unchecked("data_batch_4.bin", 30730000),
            unchecked("data_batch_5.bin", 30730000),
            unchecked("test_batch.bin", 30730000));

    private static final List<DataSetSpec> ALL =
            List.of(MNIST, FASHION_MNIST, A9A, W8A, TINYSHAKESPEARE, CIFAR10);

    private KnownDataSets() {}

    /** Every known data set, in the order above. */
    public static List<DataSetSpec> all() {
        return ALL;
    }

    /** The data set of {@code id}; an unknown id fails and lists the known ones. */
    public static DataSetSpec byId(String id) {
        for (DataSetSpec set : ALL) {
            if (set.id().equals(id)) {
                return set;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + id + "'; known: "
                + ALL.stream().map(DataSetSpec::id).collect(Collectors.joining(", ")));
    }

    private static DataSetSpec spec(String id, String directory, List<String> sources, List<Path> systemDirectories,
            String systemPackage, String license, DataSetSpec.Archive archive, DataFile... files) {
        return new DataSetSpec(id, directory, sources.stream().map(URI::create).toList(), systemDirectories,
                systemPackage, license, archive, List.of(files));
    }

    private static DataFile gz(String name, long bytes, String sha256, String contentSha256) {
        return new DataFile(name, bytes, sha256, contentSha256);
    }

    private static DataFile plain(String name, long bytes, String sha256) {
        return new DataFile(name, bytes, sha256, null);
    }

    private static DataFile unchecked(String name, long bytes) {
        return new DataFile(name, bytes, null, null);
    }
}
