package org.optopt.optimizers.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.hyper.TestBackends;
import org.optopt.optimizers.spec.Towers;
import org.optopt.testsupport.SharedFiles;

class GdtuoGoldenTest {

    static List<Path> gdtuoFiles() throws IOException {
        Path dir = SharedFiles.configured().goldenDir();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("gdtuo-.*\\.json")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gdtuoFiles")
    void replaysWithinToleranceOnTheReferenceBackend(Path file) throws IOException {
        check(file, new ReferenceBackend());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gdtuoFiles")
    void replaysWithinToleranceOnNd4j(Path file) throws IOException {
        check(file, TestBackends.nd4j());
    }

    private static void check(Path file, Backend backend) throws IOException {
        GoldenResult r = GoldenReplay.standard().replay(file, backend);
        System.out.printf("%s [%s] %s steps=%d compared=%d maxAbs=%.3g maxRel=%.3g worst=%s%n", file.getFileName(),
                backend.name(), r.optimizer(), r.steps(), r.compared(), r.maxAbsError(), r.maxRelError(), r.worst());
        assertEquals("gdtuo", r.format());
        assertTrue(r.optimizer().startsWith("gdtuo:"), r.optimizer());
        assertTrue(r.passed(), () -> file + ": max relative error " + r.maxRelError() + " at " + r.worst());
    }

    /**
     * Paper B's three-level Adam stack, Adam() / SGD(1e-3) / SGD(1e-4), as gdtuo's own code runs it on the
     * golden problem ({@code scripts/references/gdtuo_golden.py}, stored in {@code src/test/resources/golden}).
     * Its step size climbs from 1e-3 to about 1.2 within ten steps; that amplifies float32 rounding so much
     * that gdtuo's own float64 run differs from its float32 one by 7.8e-4, so the file sets its tolerance to 1e-3.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.optopt.optimizers.hyper.TestBackends#names")
    void replaysGdtuosThreeLevelAdamStack(String backend) throws IOException, URISyntaxException {
        Path file = Path.of(GdtuoGoldenTest.class.getResource("/golden/gdtuo-adam_sgd_sgd.json").toURI());
        GoldenResult r = GoldenReplay.standard().replay(file, TestBackends.named(backend));
        assertEquals("gdtuo:adam()/sgd(alpha=0.001)/sgd(alpha=1.0E-4)",
                r.optimizer());
        assertEquals(40, r.steps());
        assertEquals(1e-3, r.tolerance(), "the file's own tolerance: gdtuo's float32 and float64 runs differ by 7.8e-4");
        assertTrue(r.passed(), () -> file + ": max relative error " + r.maxRelError() + " at " + r.worst());
    }

    @Test
    void everyShippedFileIsPresent() throws IOException {
        assertEquals(7, gdtuoFiles().size(), "expected the 7 gdtuo golden files");
    }

    private static Map<String, Object> shipped(String name) throws IOException {
        Path dir = SharedFiles.configured().goldenDir();
        return JsonFields.object(Json.parse(Files.readString(dir.resolve(name), StandardCharsets.UTF_8)), "$");
    }

    private static Map<String, Object> level(String cls, Map<String, Object> args) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("class", cls);
        l.put("args", args);
        return l;
    }

    /** Appends a level to the file: to $.levels and, with the given stored values, to every step. */
    private static void addLevel(Map<String, Object> json, Map<String, Object> level, Map<String, Object> stored) {
        JsonFields.array(json.get("levels"), "levels").add(level);
        for (Object step : JsonFields.array(json.get("hyperparameters_per_step"), "h")) {
            JsonFields.array(step, "h").add(stored);
        }
    }

    /**
     * A height-4 stack that no shipped file has: sgd/sgd/sgd with SGD(alpha=0) on top. The top level
     * moves nothing below it, so gdtuo's height-3 trajectory and stored values are the reference.
     */
    @Test
    void replaysAHeightFourStackFromItsLevels() throws IOException {
        Map<String, Object> json = shipped("gdtuo-sgd_sgd_sgd.json");
        addLevel(json, level("SGD", Map.of("alpha", 0.0)), Map.of("alpha", 0.0, "mu", 0.0));
        GoldenResult r = new GdtuoGolden().replay(json, "height-4", new ReferenceBackend());
        assertEquals(4, r.optimizer().split("/").length, r.optimizer());
        assertTrue(r.passed(), () -> "max relative error " + r.maxRelError() + " at " + r.worst());
    }

    /**
     * An adagrad/adam stack built from {@code levels}: with Adam's alpha = 0 AdaGrad keeps alpha =
     * 0.05, so the reference is AdaGrad as the golden README defines it, computed here in float32:
     * G starts at 0.1, G = G + g^2, p = p - (alpha*g)/sqrt(G + 1e-10).
     */
    @Test
    void replaysAnAdagradAdamStackAgainstAnIndependentAdagrad() throws IOException {
        Map<String, Object> json = shipped("gdtuo-adagrad_sgd.json");
        List<Object> levels = new ArrayList<>(List.of(level("AdaGrad", Map.of("alpha", 0.05)),
                level("Adam", Map.of("alpha", 0.0, "beta1", 0.8))));
        json.put("levels", levels);
        json.put("stack", "adagrad/adam");
        int steps = (int) JsonFields.number(json.get("steps"), "steps");
        float q = (float) JsonFields.number(json.get("q"), "q");
        Map<String, Object> tensors = JsonFields.object(json.get("tensors"), "tensors");
        List<Object> trajectory = new ArrayList<>();
        List<Object> hypers = new ArrayList<>();
        Map<String, float[]> p = new LinkedHashMap<>();
        Map<String, float[]> acc = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            float[] p0 = JsonFields.floats(JsonFields.object(t, name).get("p0"), name);
            p.put(name, p0);
            float[] g = new float[p0.length];
            java.util.Arrays.fill(g, 0.1f);
            acc.put(name, g);
        });
        for (int t = 0; t < steps; t++) {
            Map<String, Object> after = new LinkedHashMap<>();
            for (String name : tensors.keySet()) {
                Map<String, Object> spec = JsonFields.object(tensors.get(name), name);
                float[] a = JsonFields.floats(spec.get("a"), "a");
                float[] c = JsonFields.floats(spec.get("c"), "c");
                float[] noise = JsonFields.floats(JsonFields.array(spec.get("noise"), "noise").get(t), "noise");
                float[] x = p.get(name);
                float[] gs = acc.get(name);
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < x.length; i++) {
                    float d = x[i] - c[i];
                    float g = a[i] * d + q * ((d * d) * d) + noise[i];
                    gs[i] = gs[i] + g * g;
                    x[i] = x[i] - (0.05f * g) / (float) Math.sqrt(gs[i] + 1e-10f);
                    row.add((double) x[i]);
                }
                after.put(name, row);
            }
            trajectory.add(after);
            hypers.add(new ArrayList<>(List.of(Map.of("alpha", 0.05), Map.of("alpha", 0.0))));
        }
        json.put("trajectory", trajectory);
        json.put("hyperparameters_per_step", hypers);
        GoldenResult r = new GdtuoGolden().replay(json, "adagrad/adam", new ReferenceBackend());
        assertTrue(r.optimizer().startsWith("gdtuo:adagrad(alpha=0.05)/adam("), r.optimizer());
        assertTrue(r.passed(), () -> "max relative error " + r.maxRelError() + " at " + r.worst());
    }

    @Test
    void buildsAnyStackOfGdtuoClassesWithDefaultsForAbsentArguments() {
        Map<String, Object> json = Map.of("levels", List.of(level("RMSProp", Map.of()), level("Adam", Map.of()),
                level("AdaGrad", Map.of("alpha", 0.02)), level("SGD", Map.of("alpha", 1e-3, "mu", 0.5)),
                level("SGD", Map.of())));
        Towers.Spec tower = new GdtuoGolden().tower(json);
        assertEquals(5, tower.levels().size());
        assertEquals(Map.of("alpha", 0.01, "gamma", 0.99), tower.levels().get(0).values());
        assertEquals(Map.of("alpha", 0.001, "beta1", 0.9, "beta2", 0.999), tower.levels().get(1).values());
        assertEquals(Map.of("alpha", 0.02), tower.levels().get(2).values());
        assertEquals(Map.of("alpha", 1e-3, "mu", 0.5), tower.levels().get(3).values());
        assertEquals(Map.of("alpha", 0.01, "mu", 0.0), tower.levels().get(4).values());
    }

    @Test
    void unknownClassesAndArgumentsAreOneLineErrorsNamingTheField() {
        GdtuoGolden format = new GdtuoGolden();
        IllegalArgumentException cls = assertThrows(IllegalArgumentException.class,
                () -> format.tower(Map.of("levels", List.of(level("Adam", Map.of()), level("LBFGS", Map.of())))));
        assertEquals("Field $.levels[1].class: unknown gdtuo class 'LBFGS'; known: SGD, AdaGrad, RMSProp, Adam",
                cls.getMessage());
        IllegalArgumentException arg = assertThrows(IllegalArgumentException.class,
                () -> format.tower(Map.of("levels", List.of(level("Adam", Map.of("eps", 1e-6))))));
        assertTrue(arg.getMessage().startsWith("Field $.levels[0]: Unknown hyperparameter 'eps'"), arg.getMessage());
        assertTrue(!arg.getMessage().contains("\n"));
    }
}
