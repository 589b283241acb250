package org.optopt.backend.tornado.device;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.support.HeapBackend;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.backend.tornado.TornadoBackendProvider;

/**
 * The {@code tornado} backend: compiled kernels run on a TornadoVM device, one generated
 * {@code @Parallel} task per kernel ({@link KernelSource}, {@link DeviceKernel}); tensors are host
 * heap arrays and every other primitive is {@link HeapBackend}'s plain-Java loop on the host.
 */
final class TornadoBackend extends HeapBackend {
    private final TornadoDevices.Entry device;
    private final Map<Kernel, Class<?>> taskClasses = new ConcurrentHashMap<>();
    private final List<DeviceKernel> compiled = new ArrayList<>();

    private final Path kernelFolder;

    TornadoBackend(TornadoDevices.Entry device, Path kernelFolder) {
        this.device = device;
        this.kernelFolder = kernelFolder;
    }

    @Override
    public String name() {
        return TornadoBackendProvider.NAME;
    }

    /** The device kernels run on. */
    TornadoDevices.Entry device() {
        return device;
    }

    /** A generated task for {@code kernel} (one class per distinct kernel); the device compiles it on first run. */
    @Override
    public CompiledKernel compile(Kernel kernel) {
        Class<?> taskClass = taskClasses.computeIfAbsent(kernel,
                k -> KernelClassCompiler.compile(KernelSource.of(KernelPlan.of(k)), kernelFolder));
        DeviceKernel k = new DeviceKernel(this, kernel, taskClass);
        synchronized (compiled) {
            compiled.add(k);
        }
        return k;
    }

    /** Frees the device memory of every kernel's plans. */
    @Override
    public void close() {
        synchronized (compiled) {
            compiled.forEach(DeviceKernel::close);
            compiled.clear();
        }
    }
}
