package org.optopt.optimizers.probe;

import java.util.ArrayList;
import java.util.List;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.FusibleProbe;

/**
 * A {@link StreamingProbe} whose observation is one kernel per parameter and a host {@link #fold}
 * of the kernel's reductions: on its own it runs its compiled kernel over each gradient; fused
 * (a {@link org.optopt.api.probe.ProbePass}, an optimizer's step) someone else runs it and calls
 * {@link #observed}. Both end in the same fold, so the statistics do not depend on who ran it.
 */
abstract class KernelProbe extends StreamingProbe implements FusibleProbe {
    private final Kernel kernel;
    private final CompiledKernel compiled;
    private final List<KernelArgs> args = new ArrayList<>();

    KernelProbe(Backend backend, ParameterSet parameters, double beta, Kernel kernel) {
        super(backend, parameters, beta);
        this.kernel = kernel;
        this.compiled = backend.compile(kernel);
        for (Parameter p : this.parameters) {
            args.add(compiled.args().buffer(GRADIENT, p.gradient()));
        }
    }

    @Override
    public final Kernel kernel() {
        return kernel;
    }

    @Override
    protected final void accumulate(List<Parameter> current) {
        List<Reductions> reductions = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            KernelArgs a = args.get(i);
            buffers(i).forEach(a::buffer);
            scalars().forEach(a::scalar);
            reductions.add(compiled.run(a));
        }
        fold(reductions);
    }

    @Override
    public final void observed(ParameterSet set, List<Reductions> reductions) {
        if (reductions.size() != parameters.size()) {
            throw new IllegalArgumentException("probe " + name() + ": " + reductions.size() + " kernel results for "
                    + parameters.size() + " parameters");
        }
        begin(set);
        fold(reductions);
    }

    /**
     * Completes the observation that {@link #observations()} already counts, from the kernel's
     * reductions of every parameter (in order); the kernel's stores are done.
     */
    protected abstract void fold(List<Reductions> reductions);
}
