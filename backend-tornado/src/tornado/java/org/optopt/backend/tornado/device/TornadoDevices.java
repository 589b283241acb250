package org.optopt.backend.tornado.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/** TornadoVM's devices, numbered {@code BACKEND:DEVICE} as {@code tornado --devices} lists them. */
final class TornadoDevices {
    private TornadoDevices() {}

    /** A device and its {@code BACKEND:DEVICE} number. */
    record Entry(String id, TornadoDevice device) {
        String label() {
            return id + " " + device.getPhysicalDevice().getDeviceName();
        }
    }

    /** Every device of every TornadoVM backend (starts TornadoVM). */
    static List<Entry> all() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        List<Entry> out = new ArrayList<>();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            TornadoBackend backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                out.add(new Entry(b + ":" + d, backend.getDevice(d)));
            }
        }
        return out;
    }

    /**
     * The device {@code spec} names: {@code null} for TornadoVM's default device, {@code B:D} or a
     * bare device index of the first backend, else the only device whose name contains {@code spec}
     * (ignoring case).
     *
     * @throws IllegalArgumentException if no device or several match, listing the devices
     * @throws IllegalStateException if TornadoVM has no device at all
     */
    static Entry select(String spec) {
        List<Entry> devices = all();
        if (devices.isEmpty()) {
            throw new IllegalStateException("Backend 'tornado': TornadoVM found no device"
                    + " (check the OpenCL/CUDA driver with clinfo or nvidia-smi, and tornado --devices)");
        }
        if (spec == null || spec.isBlank()) {
            TornadoDevice def = TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice();
            return devices.stream().filter(e -> e.device().equals(def)).findFirst().orElse(devices.getFirst());
        }
        String wanted = spec.trim();
        String id = wanted.matches("\\d+") ? "0:" + wanted : wanted;
        List<Entry> matches = devices.stream().filter(e -> e.id().equals(id)).toList();
        if (matches.isEmpty()) {
            String lower = wanted.toLowerCase(Locale.ROOT);
            matches = devices.stream()
                    .filter(e -> e.device().getPhysicalDevice().getDeviceName().toLowerCase(Locale.ROOT).contains(lower))
                    .toList();
        }
        if (matches.size() != 1) {
            throw new IllegalArgumentException("Backend 'tornado': option device=" + wanted + " matches "
                    + (matches.isEmpty() ? "no" : matches.size()) + " devices; the devices are "
                    + devices.stream().map(Entry::label).toList());
        }
        return matches.getFirst();
    }
}
