package org.optopt.backend.tornado;

import java.util.Map;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BackendProvider;

/**
 * The TornadoVM backend's provider. TornadoVM is not published on the package registries this
 * project builds from, and the backend itself is a later milestone, so this provider always reports
 * itself unavailable, saying whether a TornadoVM runtime is visible at all.
 */
public final class TornadoBackendProvider implements BackendProvider {
    static final String RUNTIME_CLASS = "uk.ac.manchester.tornado.api.TornadoRuntime";

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public String description() {
        return "TornadoVM (GPU, FPGA, multi-core OpenCL/PTX/SPIR-V)";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        boolean runtimePresent = isRuntimePresent();
        return Availability.unavailable((runtimePresent
                ? "a TornadoVM runtime is on the path, but"
                : "no TornadoVM runtime (" + RUNTIME_CLASS + ") on the path, and")
                + " optopt's TornadoVM kernels are not implemented yet (TornadoVM is not on the package registries"
                + " this build uses)");
    }

    private static boolean isRuntimePresent() {
        try {
            Class.forName(RUNTIME_CLASS, false, TornadoBackendProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Backend create(Map<String, String> options) {
        throw new IllegalStateException("Backend 'tornado' is unavailable: " + availability().reason());
    }
}
