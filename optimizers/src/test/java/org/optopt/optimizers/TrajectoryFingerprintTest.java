package org.optopt.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.spec.OptimizerSpecs;

/**
 * Bit-exact regression gate for refactorings: every valid configuration of {@link OptimizerCases}
 * and a set of towers run {@value #STEPS} steps on the parabola of {@link TestProblems}; the
 * SHA-256 of every step's parameter bits must equal the value recorded in
 * {@code fingerprints/trajectories.tsv}, which was written by the commit before the refactoring
 * (the trajectories were checked against torch, gdtuo and independent references there).
 *
 * <p>A change that is meant to change numbers regenerates the file with
 * {@code -Doptopt.fingerprints.write=<path of the resource file>} and says why in its commit.
 */
class TrajectoryFingerprintTest {
    static final int STEPS = 12;
    private static final String RESOURCE = "/fingerprints/trajectories.tsv";

    /** Towers covering every level kind: plain, gdtuo conventions, several learnables, height 3 and 4, frozen levels. */
    static final List<String> TOWERS = List.of(
            "adam(0.05)/sgd(1e-4)", "sgd(0.05)/sgd(1e-4)", "sgd(0.05)/sgd(1e-4)/sgd(1e-5)",
            "adam(0.05, learn=lr+beta1)/adam(1e-4)/sgd(1e-6)", "sgd(0.05, momentum=0.9)/adam(1e-4)",
            "sgd(0.05)/sgd(1e-3, frozen)", "rmsprop(0.01)/sgd(1e-5)", "adagrad(0.3)/adam(1e-4)",
            "nadam(0.05)/sgd(1e-5)", "adamw(0.05, learn=lr+weight_decay)/sgd(1e-5)",
            "gdtuo:adam(0.05)/sgd(1e-4)", "gdtuo:sgd(0.05)/sgd(1e-4)/sgd(1e-5)",
            "gdtuo:adam(0.05)/adam(1e-4)/sgd(1e-5)/sgd(1e-6)", "gdtuo:rmsprop(0.01)/sgd(1e-5)",
            "gdtuo:adagrad(0.3)/sgd(1e-5)", "gdtuo:sgd(0.05, mu=0.9)/sgd(1e-5)");

    private static final OptimizerSpecs SPECS = new OptimizerSpecs(Optimizers.discover());

    private final Backend backend = new ReferenceBackend();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (OptimizerCases.Case c : OptimizerCases.CASES) {
            for (int i = 0; i < c.valid().size(); i++) {
                out.add(Arguments.of(c.name() + "#" + i, c.name(), c.valid().get(i)));
            }
        }
        for (String t : TOWERS) {
            out.add(Arguments.of("tower " + t, t, null));
        }
        return out.stream();
    }

    private Optimizer create(String name, Map<String, Object> config, ParameterSet parameters) {
        return config == null ? SPECS.build(SPECS.parse(name), backend, parameters)
                : Optimizers.discover().provider(name).create(backend, parameters, config);
    }

    private String fingerprint(String name, Map<String, Object> config) throws NoSuchAlgorithmException {
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.matrix(3, 5), Shape.vector(7));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Optimizer opt = create(name, config, ParameterSet.of(params))) {
            for (int s = 0; s < STEPS; s++) {
                TestProblems.parabola(params, 11);
                opt.step(TestProblems.parabolaClosure(params, 11));
                for (Parameter p : params) {
                    for (float x : p.value().toArray()) {
                        int bits = Float.floatToRawIntBits(x);
                        sha.update(new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
                    }
                }
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static Map<String, String> recorded() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = TrajectoryFingerprintTest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    String[] f = line.split("\t");
                    out.put(f[0], f[1]);
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trajectoryIsBitIdenticalToTheRecordedOne(String key, String name, Map<String, Object> config) throws Exception {
        String expected = recorded().get(key);
        assertNotNull(expected, "no recorded fingerprint for " + key + "; regenerate " + RESOURCE
                + " (see the class Javadoc) in the commit that adds the case");
        assertEquals(expected, fingerprint(name, config), key + ": trajectory changed bits");
    }

    /** Writes the file when {@code -Doptopt.fingerprints.write} names it; otherwise does nothing. */
    @Test
    void writeFingerprintsWhenAsked() throws Exception {
        String target = System.getProperty("optopt.fingerprints.write");
        if (target == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Arguments a : cases().toList()) {
            Object[] x = a.get();
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) x[2];
            sb.append(x[0]).append('\t').append(fingerprint((String) x[1], config)).append('\n');
        }
        Files.writeString(Path.of(target), sb.toString());
    }
}
