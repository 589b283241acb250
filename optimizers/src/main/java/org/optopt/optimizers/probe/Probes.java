package org.optopt.optimizers.probe;

import java.util.ArrayList;
import java.util.List;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.Probe;

/**
 * The probes by name, with their defaults (EMA factor {@value StreamingProbe#DEFAULT_BETA},
 * {@value AutocorrelationProbe#DEFAULT_LAGS} autocorrelation lags, Kronecker factors for sides up
 * to {@value KroneckerProbe#DEFAULT_MAX_SIDE}, full Sigma for parameters up to
 * {@value CovarianceProbe#DEFAULT_MAX_ELEMENTS} elements, autocorrelation lag products formed at every
 * observation unless a block is given): {@code second-moment}, {@code autocorrelation},
 * {@code kronecker}, {@code covariance}, {@code curvature}.
 */
public final class Probes {
    /** Every probe name. */
    public static final List<String> NAMES = List.of(SecondMomentProbe.NAME, AutocorrelationProbe.NAME, KroneckerProbe.NAME,
            CovarianceProbe.NAME, CurvatureProbe.NAME);

    private Probes() {}

    /**
     * The probes named in {@code names} (each at most once) with their defaults.
     *
     * @throws IllegalArgumentException naming an unknown or repeated probe
     */
    public static List<Probe> create(List<String> names, Backend backend, ParameterSet parameters) {
        return create(names, backend, parameters, AutocorrelationProbe.DEFAULT_BLOCK);
    }

    /**
     * The probes named in {@code names} (each at most once) with their defaults, the autocorrelation
     * probe forming the lag products of {@code lagBlock} observations in one pass ({@link AutocorrelationProbe}).
     *
     * @throws IllegalArgumentException naming an unknown or repeated probe, or if lagBlock &lt; 1
     */
    public static List<Probe> create(List<String> names, Backend backend, ParameterSet parameters, int lagBlock) {
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("a probe is named twice: " + names);
        }
        List<Probe> probes = new ArrayList<>();
        for (String name : names) {
            probes.add(switch (name) {
                case SecondMomentProbe.NAME -> new SecondMomentProbe(backend, parameters, StreamingProbe.DEFAULT_BETA);
                case AutocorrelationProbe.NAME -> new AutocorrelationProbe(backend, parameters,
                        AutocorrelationProbe.DEFAULT_LAGS, lagBlock, StreamingProbe.DEFAULT_BETA);
                case KroneckerProbe.NAME -> new KroneckerProbe(backend, parameters, StreamingProbe.DEFAULT_BETA,
                        KroneckerProbe.DEFAULT_MAX_SIDE);
                case CovarianceProbe.NAME -> new CovarianceProbe(backend, parameters, StreamingProbe.DEFAULT_BETA,
                        CovarianceProbe.DEFAULT_MAX_ELEMENTS);
                case CurvatureProbe.NAME -> new CurvatureProbe(backend, parameters, StreamingProbe.DEFAULT_BETA);
                default -> throw new IllegalArgumentException("unknown probe '" + name + "'; known: "
                        + String.join(", ", NAMES));
            });
        }
        return probes;
    }
}
