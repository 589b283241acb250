package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.hyper.TestBackends;
import org.optopt.testsupport.SharedFiles;

class OptoptGoldenTest {

    static Stream<Arguments> filesAndBackends() throws IOException {
        Path dir = SharedFiles.configured().goldenDir();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("optopt-.*\\.json")).sorted().toList();
        }
        return files.stream().flatMap(f -> TestBackends.names().stream().map(b -> Arguments.of(f, b)));
    }

    private static Map<String, Object> read(Path file) throws IOException {
        return JsonFields.object(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "$");
    }

    /** Every optopt-*.json whose optimizer is registered; the others are skipped, naming their optimizer. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("filesAndBackends")
    void replaysEveryFileOfARegisteredOptimizer(Path file, String backend) throws IOException {
        String optimizer = JsonFields.string(read(file).get("optimizer"), "$.optimizer");
        Assumptions.assumeTrue(Optimizers.discover().names().contains(optimizer),
                () -> file.getFileName() + ": optimizer " + optimizer + " is not in the registry yet; skipped");
        GoldenResult r = GoldenReplay.standard(Optimizers.discover()).replay(file, TestBackends.named(backend));
        System.out.printf("%s [%s] %s steps=%d compared=%d maxAbs=%.3g maxRel=%.3g worst=%s%n", file.getFileName(),
                backend, r.optimizer(), r.steps(), r.compared(), r.maxAbsError(), r.maxRelError(), r.worst());
        assertEquals("optopt", r.format());
        assertTrue(r.passed(), () -> file + ": max relative error " + r.maxRelError() + " at " + r.worst());
    }

    private static Map<String, Object> shipped(String name) throws IOException {
        return read(SharedFiles.configured().golden(name));
    }

    /** torch's SGD trajectory (nesterov, weight decay) as an optopt file of {@code sgd}: a boolean and numbers. */
    @Test
    void replaysAnyRegisteredOptimizerAgainstTorchsNumbers() throws IOException {
        Map<String, Object> json = shipped("torch-sgd-nesterov-wd.json");
        json.remove("final_state");
        json.put("optimizer", "sgd");
        assertEquals(Map.of("lr", 0.05, "momentum", 0.9, "nesterov", true, "weight_decay", 0.01),
                json.get("hyperparameters"));
        GoldenResult r = new OptoptGolden(Optimizers.discover()).replay(json, "sgd", new ReferenceBackend());
        assertEquals(TorchGolden.TOLERANCE, r.tolerance());
        assertTrue(r.optimizer().startsWith("sgd{nesterov=true}"), r.optimizer());
        assertTrue(r.passed(), () -> "max relative error " + r.maxRelError() + " at " + r.worst());
    }

    /** Absent hyperparameters take the defaults (Adam: lr 1e-3 would not match torch's lr 0.01; the file gives it). */
    @Test
    void absentHyperparametersTakeTheDefaultsAndTheFilesToleranceApplies() throws IOException {
        Map<String, Object> json = shipped("torch-adam.json");
        json.remove("final_state");
        json.put("optimizer", "adam");
        json.put("tolerance", 1e-12);
        GoldenResult strict = new OptoptGolden(Optimizers.discover()).replay(json, "adam", new ReferenceBackend());
        assertEquals(1e-12, strict.tolerance());
        assertFalse(strict.passed(), "float rounding differs from torch by more than 1e-12");
        json.put("tolerance", 1e-5);
        assertTrue(new OptoptGolden(Optimizers.discover()).replay(json, "adam", new ReferenceBackend()).passed());
        json.put("hyperparameters", Map.of());
        assertFalse(new OptoptGolden(Optimizers.discover()).replay(json, "adam", new ReferenceBackend()).passed(),
                "with the default lr 1e-3 instead of the file's 0.01 the trajectory must differ");
    }

    @Test
    void anUnknownOptimizerIsAOneLineErrorNamingIt() throws IOException {
        Map<String, Object> json = new LinkedHashMap<>(shipped("optopt-gap-sgdm.json"));
        json.put("optimizer", "no-such-optimizer");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OptoptGolden(Optimizers.discover()).replay(json, "x", new ReferenceBackend()));
        assertTrue(e.getMessage().startsWith("Unknown optimizer 'no-such-optimizer'; known optimizers: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badHyperparametersAndTolerancesAreRefusedNamingThem() throws IOException {
        Map<String, Object> json = shipped("torch-adam.json");
        json.put("optimizer", "adam");
        json.put("hyperparameters", Map.of("beta1s", List.of(0.5, 0.9)));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new OptoptGolden(Optimizers.discover()).replay(json, "x", new ReferenceBackend()));
        assertTrue(unknown.getMessage().contains("'beta1s'"), unknown.getMessage());
        json.put("hyperparameters", Map.of());
        json.put("tolerance", -1.0);
        IllegalArgumentException tolerance = assertThrows(IllegalArgumentException.class,
                () -> new OptoptGolden(Optimizers.discover()).replay(json, "x", new ReferenceBackend()));
        assertEquals("Field $.tolerance must be a finite number > 0, got -1.0", tolerance.getMessage());
    }
}
