package org.optopt.backend.tornado;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BackendProvider;

/**
 * The TornadoVM backend's provider. It never touches TornadoVM itself: {@link #availability()}
 * only looks for two classes, TornadoVM's runtime API (on the module path when optopt runs with the
 * SDK's argfile, see {@code scripts/tornado/optopt}) and this module's device code (compiled only
 * by the {@code tornadovm} Maven profile, which {@code TORNADOVM_HOME} activates); {@link #create}
 * hands over to that device code, which starts TornadoVM and picks the device.
 *
 * <p>One option: {@code device} — a TornadoVM device by index ({@code 0}, or
 * {@code BACKEND:DEVICE} such as {@code 0:1} as {@code tornado --devices} numbers them) or by a
 * case-insensitive part of its name ({@code pthread}, {@code A100}); default TornadoVM's default device.
 */
public final class TornadoBackendProvider implements BackendProvider {
    /** The backend's name. */
    public static final String NAME = "tornado";
    /** The option selecting the device. */
    public static final String DEVICE = "device";

    static final String RUNTIME_CLASS = "uk.ac.manchester.tornado.api.TornadoRuntime";
    static final String DEVICE_CODE_CLASS = "org.optopt.backend.tornado.device.TornadoDeviceFactory";
    private static final List<String> OPTIONS = List.of(DEVICE);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "TornadoVM (GPU, FPGA, multi-core OpenCL/PTX/SPIR-V)";
    }

    @Override
    public int priority() {
        return 10;
    }

    /** Whether TornadoVM's runtime and this module's device code are both present; never throws. */
    @Override
    public Availability availability() {
        if (!present(RUNTIME_CLASS)) {
            return Availability.unavailable("no TornadoVM runtime: " + RUNTIME_CLASS + " is not on the path"
                    + " (install TornadoVM with scripts/tornado/setup.sh and run optopt through scripts/tornado/optopt)");
        }
        if (!present(DEVICE_CODE_CLASS)) {
            return Availability.unavailable("a TornadoVM runtime is on the path, but this build of backend-tornado"
                    + " has no device code (build with TORNADOVM_HOME set, e.g. through scripts/tornado/optopt)");
        }
        return Availability.available("TornadoVM runtime on the path; devices are probed on first use");
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, TornadoBackendProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Starts TornadoVM on the chosen device.
     *
     * @throws IllegalArgumentException on an unknown option
     * @throws IllegalStateException if the backend is unavailable or the device cannot be used, naming why
     */
    @Override
    public Backend create(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new IllegalArgumentException("Backend '" + NAME + "' has no option '" + key
                        + "'; valid options: " + OPTIONS);
            }
        }
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("Backend '" + NAME + "' is unavailable: " + a.reason());
        }
        try {
            DeviceFactory factory = (DeviceFactory) Class.forName(DEVICE_CODE_CLASS)
                    .getDeclaredConstructor().newInstance();
            return factory.create(options.get(DEVICE));
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException("Backend '" + NAME + "': cannot start its device code: " + cause, cause);
        }
    }

    /** The device code's entry point, implemented by the {@code tornadovm} profile's sources. */
    public interface DeviceFactory {
        /**
         * A backend on the device {@code device} selects ({@code null}: TornadoVM's default).
         *
         * @throws IllegalArgumentException if no device matches, listing the devices
         * @throws IllegalStateException if TornadoVM cannot start
         */
        Backend create(String device);
    }
}
