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
 * A {@link StreamingProbe} whose observation is one of its kernels per parameter ({@link #next()})
 * and a host {@link #fold} of the kernel's reductions: on its own it runs that compiled kernel over
 * each gradient (each of its kernels is compiled once); fused
 * (a {@link org.optopt.api.probe.ProbePass}, an optimizer's step) someone else runs it and calls
 * {@link #observed}. Both end in the same fold, so the statistics do not depend on who ran it.
 */
abstract class KernelProbe extends StreamingProbe implements FusibleProbe {
    private final List<Kernel> kernels;
    private final List<CompiledKernel> compiled = new ArrayList<>();
    /** Per kernel, its arguments of each parameter, the gradient bound. */
    private final List<List<KernelArgs>> args = new ArrayList<>();

    KernelProbe(Backend backend, ParameterSet parameters, double beta, List<Kernel> kernels) {
        super(backend, parameters, beta);
        this.kernels = List.copyOf(kernels);
        for (Kernel k : this.kernels) {
            CompiledKernel c = backend.compile(k);
            compiled.add(c);
            args.add(this.parameters.stream().map(p -> c.args().buffer(GRADIENT, p.gradient())).toList());
        }
    }

    @Override
    public final List<Kernel> kernels() {
        return kernels;
    }

    @Override
    protected final void accumulate(List<Parameter> current) {
        int next = next();
        List<KernelArgs> bound = args.get(next);
        List<Reductions> reductions = new ArrayList<>(bound.size());
        for (int i = 0; i < bound.size(); i++) {
            KernelArgs a = bound.get(i);
            buffers(i).forEach(a::buffer);
            scalars().forEach(a::scalar);
            reductions.add(compiled.get(next).run(a));
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
     * Completes the observation that {@link #observations()} already counts, from the reductions of
     * kernel {@link #next()} (not yet advanced) of every parameter (in order); the kernel's stores are done.
     */
    protected abstract void fold(List<Reductions> reductions);
}
