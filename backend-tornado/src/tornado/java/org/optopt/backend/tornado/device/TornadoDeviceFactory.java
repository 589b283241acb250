package org.optopt.backend.tornado.device;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.optopt.api.backend.Backend;
import org.optopt.backend.tornado.TornadoBackendProvider;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;

/**
 * Starts TornadoVM for the provider. Before any TornadoVM class initializes it sets three TornadoVM
 * options, each unless the user chose otherwise:
 * <ul>
 *   <li>{@code tornado.recover.bailout=False}: a kernel the device cannot compile fails with an
 *       error instead of silently running on the host;</li>
 *   <li>{@code tornado.enable.fma=False} and
 *       {@code tornado.opencl.compiler.flags=-cl-fp32-correctly-rounded-divide-sqrt -w}: IEEE float
 *       arithmetic with every product rounded, as the kernel semantics require, instead of
 *       TornadoVM's defaults (fusing {@code a*b+c} into {@code fma}, and
 *       {@code -cl-mad-enable -cl-fast-relaxed-math}), which changed results by an ulp on PoCL.</li>
 * </ul>
 */
public final class TornadoDeviceFactory implements TornadoBackendProvider.DeviceFactory {
    static final String BAILOUT = "tornado.recover.bailout";
    static final String FMA = "tornado.enable.fma";
    static final String OPENCL_FLAGS = "tornado.opencl.compiler.flags";
    /** The system property naming the kernel folder, which must be on the class path. */
    public static final String KERNEL_FOLDER = "optopt.tornado.kernels";

    /** Used by the provider (reflectively). */
    public TornadoDeviceFactory() {}

    @Override
    public Backend create(String device, String memoryLimit, boolean profile, String primitives, String capture) {
        Path kernels = kernelFolder();
        setUnlessGiven(BAILOUT, "False");
        setUnlessGiven(FMA, "False");
        setUnlessGiven(OPENCL_FLAGS, "-cl-fp32-correctly-rounded-divide-sqrt -w");
        TornadoDevices.Entry chosen = TornadoDevices.select(device);
        boolean onDevice = switch (primitives) {
            case TornadoBackendProvider.ON_HOST -> false;
            case TornadoBackendProvider.ON_DEVICE -> true;
            default -> chosen.device().getDeviceType() != TornadoDeviceType.CPU;
        };
        boolean captured = switch (capture) {
            case "on" -> true;
            case "off" -> false;
            default -> onDevice;
        };
        TornadoBackend backend = new TornadoBackend(chosen, kernels, memoryLimit, profile, onDevice, captured);
        if (profile) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> backend.times().ifPresent(
                    t -> System.err.println("tornado profile on " + backend.device().label() + ": " + t.summary()
                            + (captured ? "; step capture: " + backend.captures().summary() : "")))));
        }
        return backend;
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * The folder generated kernel classes are written to: the system property {@value #KERNEL_FOLDER},
     * which must also be an entry of the class path (TornadoVM reads kernel class files through the
     * system class loader); {@code scripts/tornado/optopt} and the Maven profile set both.
     *
     * @throws IllegalStateException if the property is unset or the folder is not on the class path
     */
    static Path kernelFolder() {
        String folder = System.getProperty(KERNEL_FOLDER);
        if (folder == null || folder.isBlank()) {
            throw new IllegalStateException("Backend 'tornado': system property " + KERNEL_FOLDER
                    + " (a class-path folder for generated kernels) is not set; start optopt through scripts/tornado/optopt");
        }
        Path path = Path.of(folder).toAbsolutePath().normalize();
        boolean onClassPath = Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .anyMatch(e -> Path.of(e).toAbsolutePath().normalize().equals(path));
        if (!onClassPath) {
            throw new IllegalStateException("Backend 'tornado': the kernel folder " + path + " (" + KERNEL_FOLDER
                    + ") is not on the class path, where TornadoVM looks for kernel classes");
        }
        try {
            Files.createDirectories(path);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Backend 'tornado': cannot create the kernel folder " + path + ": " + e, e);
        }
        return path;
    }
}
