package org.optopt.backend.tornado;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@code memory-limit}: the most device memory one kernel's execution may allocate, in TornadoVM's
 * notation ({@code 512MB}, {@code 2GB}); a kernel needing more fails with an out-of-memory error
 * naming the kernel and the device (default: no limit but the device's). {@code profile=true}:
 * TornadoVM's profiler times every run ({@link DeviceTimes}), and optopt prints the totals (compile,
 * device kernels, transfers) on stderr when it exits. {@code primitives=device} runs the matrix
 * products ({@code gemmInPlace}, {@code matmul}, {@code gemmBatchedInPlace}) and the elementwise
 * primitives ({@code map}, {@code zip}, {@code axpyInPlace}, {@code fillInPlace},
 * {@code copyInPlace}) as device tasks whose results stay on the device; {@code primitives=host}
 * runs them in plain Java on the host copies, as the other primitives always are;
 * {@code primitives=auto} (the default) is {@code host} on a CPU device (such as PoCL, where the
 * host's loops use the same cores without the device's dispatch and copies: measured twice as fast
 * per step on {@code teacher-student-mlp}, docs/tornado.md) and {@code device} on the others.
 * {@code capture=on} records the device task calls of a training loop and, once a step repeats,
 * replays each step as the graphs of one TornadoVM execution plan, so that tensors pass from task
 * to task on the device instead of through the host (the floats are the same); {@code off} runs
 * every task on plans of its own; {@code auto} (the default) is {@code on} where the matrix
 * products and elementwise primitives run on the device (measured: two thirds fewer copies to the
 * device per {@code teacher-student-mlp} step and 15 to 25% less time on PoCL) and {@code off}
 * where they run on the host (a step is then few device tasks: no measurable gain, twice the
 * compilations).
 *
 * <p>The runtime must be TornadoVM's build for this JDK: an SDK of another JDK line (its jars are
 * named {@code tornado-api-VERSION-jdkNN.jar}) makes the backend unavailable, saying so.
 */
public final class TornadoBackendProvider implements BackendProvider {
    /** The backend's name. */
    public static final String NAME = "tornado";
    /** The option selecting the device. */
    public static final String DEVICE = "device";

    static final String RUNTIME_CLASS = "uk.ac.manchester.tornado.api.TornadoRuntime";
    static final String DEVICE_CODE_CLASS = "org.optopt.backend.tornado.device.TornadoDeviceFactory";
    /** The option limiting each kernel execution's device memory. */
    public static final String MEMORY_LIMIT = "memory-limit";
    /** The option turning TornadoVM's profiler on. */
    public static final String PROFILE = "profile";
    /** The option choosing where matrix products and elementwise primitives run: {@value #ON_HOST}, {@value #ON_DEVICE} or {@code auto}. */
    public static final String PRIMITIVES = "primitives";
    /** {@value #PRIMITIVES}'s value for plain Java on the host copies. */
    public static final String ON_HOST = "host";
    /** {@value #PRIMITIVES}'s value for device tasks. */
    public static final String ON_DEVICE = "device";
    /** The option turning automatic step capture on or off: {@code on}, {@code off} or {@code auto}. */
    public static final String CAPTURE = "capture";
    private static final List<String> OPTIONS = List.of(DEVICE, MEMORY_LIMIT, PROFILE, PRIMITIVES, CAPTURE);
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,12}[KMG]B");
    private static final Pattern SDK_JDK = Pattern.compile("-jdk(\\d+)\\.jar$");

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
        String otherJdk = otherJdk(runtimeLocation(), Runtime.version().feature());
        if (otherJdk != null) {
            return Availability.unavailable(otherJdk);
        }
        if (!present(DEVICE_CODE_CLASS)) {
            return Availability.unavailable("a TornadoVM runtime is on the path, but this build of backend-tornado"
                    + " has no device code (build with TORNADOVM_HOME set, e.g. through scripts/tornado/optopt)");
        }
        return Availability.available("TornadoVM runtime on the path; devices are probed on first use");
    }

    /**
     * Why a TornadoVM SDK whose API jar is {@code jar} cannot run on JDK {@code feature}, or null if
     * it can (or the jar's name does not say which JDK it was built for).
     */
    static String otherJdk(String jar, int feature) {
        if (jar == null) {
            return null;
        }
        Matcher m = SDK_JDK.matcher(jar);
        if (!m.find() || Integer.parseInt(m.group(1)) == feature) {
            return null;
        }
        return "the TornadoVM SDK on the path was built for JDK " + m.group(1) + " (" + jar.substring(jar.lastIndexOf('/') + 1)
                + "), this is JDK " + feature + "; install TornadoVM's jdk" + feature + " line (scripts/tornado/setup.sh)";
    }

    /** Where TornadoVM's API classes were found, or null. */
    private static String runtimeLocation() {
        try {
            var source = Class.forName(RUNTIME_CLASS, false, TornadoBackendProvider.class.getClassLoader())
                    .getProtectionDomain().getCodeSource();
            return source == null ? null : source.getLocation().getPath();
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return null;
        }
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
        String limit = options.get(MEMORY_LIMIT);
        if (limit != null && !SIZE.matcher(limit).matches()) {
            throw new IllegalArgumentException("Backend '" + NAME + "': option " + MEMORY_LIMIT + "=" + limit
                    + " is not a size such as 512MB or 2GB");
        }
        String profile = options.getOrDefault(PROFILE, "false");
        if (!profile.equals("true") && !profile.equals("false")) {
            throw new IllegalArgumentException("Backend '" + NAME + "': option " + PROFILE + "=" + profile + " is not true or false");
        }
        String primitives = options.getOrDefault(PRIMITIVES, "auto");
        if (!List.of(ON_HOST, ON_DEVICE, "auto").contains(primitives)) {
            throw new IllegalArgumentException("Backend '" + NAME + "': option " + PRIMITIVES + "=" + primitives
                    + " is not host, device or auto");
        }
        String capture = options.getOrDefault(CAPTURE, "auto");
        if (!List.of("on", "off", "auto").contains(capture)) {
            throw new IllegalArgumentException("Backend '" + NAME + "': option " + CAPTURE + "=" + capture + " is not on, off or auto");
        }
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("Backend '" + NAME + "' is unavailable: " + a.reason());
        }
        try {
            DeviceFactory factory = (DeviceFactory) Class.forName(DEVICE_CODE_CLASS)
                    .getDeclaredConstructor().newInstance();
            return factory.create(options.get(DEVICE), limit, Boolean.parseBoolean(profile), primitives, capture);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException("Backend '" + NAME + "': cannot start its device code: " + cause, cause);
        }
    }

    /** The device code's entry point, implemented by the {@code tornadovm} profile's sources. */
    public interface DeviceFactory {
        /**
         * A backend on the device {@code device} selects ({@code null}: TornadoVM's default), each
         * kernel execution limited to {@code memoryLimit} of device memory ({@code null}: no limit),
         * with TornadoVM's profiler on if {@code profile}, matrix products and elementwise
         * primitives where {@code primitives} says ({@code host}, {@code device}, or {@code auto}:
         * the host for a CPU device, else the device), and device task calls captured into one plan
         * per repeating step where {@code capture} says ({@code on}, {@code off}, or {@code auto}: on
         * where the primitives run on the device).
         *
         * @throws IllegalArgumentException if no device matches, listing the devices
         * @throws IllegalStateException if TornadoVM cannot start
         */
        Backend create(String device, String memoryLimit, boolean profile, String primitives, String capture);
    }
}
