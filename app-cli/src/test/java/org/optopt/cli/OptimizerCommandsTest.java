package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.optim.Optimizers;
import org.optopt.testsupport.SharedFiles;

/** {@code optopt optimizers}, {@code optopt golden} and {@code optopt bench optimizers}, in-process. */
class OptimizerCommandsTest {

    @Test
    void listShowsEveryOptimizerWithDefaults() {
        MainTest.Run r = MainTest.run("optimizers", "list");
        assertEquals(0, r.exitCode(), r.err());
        for (String name : new String[] {"adam", "adamw", "sgd", "lion", "roaree", "shampoo", "nadam"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ")), name + " missing:\n" + r.out());
        }
        assertTrue(r.out().contains("lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8"), r.out());
        assertTrue(r.out().contains("capabilities: matrix, tower level (learns lr)"), r.out());
        assertEquals(r.out(), MainTest.run("optimizers").out());
    }

    @Test
    void showPrintsDomainsAndTheKernel() {
        MainTest.Run r = MainTest.run("optimizers", "show", "adam", "amsgrad=true");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("capabilities: elementwise, tower level (learns lr, beta1, beta2, eps, weight_decay)"),
                r.out());
        assertTrue(r.out().contains("0 <= beta1 < 1") && r.out().contains("kernel adam_amsgrad(")
                && r.out().contains("vmax = max(vmax, v)"), r.out());
        MainTest.Run unknown = MainTest.run("optimizers", "show", "adamx");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown optimizer 'adamx'; known optimizers: "), unknown.err());
    }

    @Test
    void goldenPassesTorchFilesAndFailsUnreadableOnes(@TempDir Path dir) throws IOException {
        Path adam = SharedFiles.configured().golden("torch-adam.json");
        MainTest.Run ok = MainTest.run("--backend", "reference", "golden", adam.toString(),
                SharedFiles.configured().golden("torch-sgd-nesterov-wd.json").toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals(2, ok.out().lines().filter(l -> l.endsWith("PASS")).count(), ok.out());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"optimizer\": ");
        MainTest.Run bad = MainTest.run("--backend", "reference", "golden", adam.toString(), broken.toString(),
                dir.resolve("absent.json").toString());
        assertEquals(1, bad.exitCode());
        assertEquals(2, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("JSON syntax error") && bad.out().contains("1 of 3 passed"), bad.out() + bad.err());
    }

    @Test
    void goldenReplaysOptoptFilesOfAnyRegisteredOptimizerAndNamesAnUnknownOne(@TempDir Path dir) throws IOException {
        Path adam = SharedFiles.configured().golden("torch-adam.json");
        String torch = Files.readString(adam);
        Path ours = dir.resolve("optopt-adam.json");
        Files.writeString(ours, torch.replace("\"optimizer\": \"Adam\"", "\"optimizer\": \"adam\"")
                .replace("\"final_state\":", "\"tolerance\": 2e-5, \"unused_state\":"));
        MainTest.Run ok = MainTest.run("--backend", "reference", "golden", ours.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("2e-05  PASS"), ok.out());
        Path unknown = dir.resolve("optopt-unknown.json");
        Files.writeString(unknown, torch.replace("\"optimizer\": \"Adam\"", "\"optimizer\": \"no-such-opt\""));
        MainTest.Run bad = MainTest.run("--backend", "reference", "golden", unknown.toString());
        assertEquals(1, bad.exitCode());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("Unknown optimizer 'no-such-opt'; known optimizers: "), bad.err());
    }

    @Test
    void benchOptimizersReportsEveryElementwiseOptimizer() {
        MainTest.Run r = MainTest.run("--backend", "reference", "bench", "optimizers", "--size", "1003", "--runs", "2",
                "--warmup", "1", "--json");
        assertEquals(0, r.exitCode(), r.err());
        for (String name : java.util.List.of("sgd", "adagrad", "rmsprop", "adam", "adamw", "adamax", "nadam", "radam",
                "adadelta", "lion", "roaree", "schedule-free-adamw", "schedule-free-sgd")) {
            assertEquals(1, r.out().lines().filter(l -> l.contains("\"optimizer\": \"" + name + "\"")).count(), name + ": " + r.out());
        }
        assertTrue(r.out().lines().noneMatch(l -> l.contains("\"optimizer\": \"muon\"")), "muon is a matrix optimizer: " + r.out());
        assertTrue(r.out().lines().allMatch(l -> l.contains("\"ms_per_step\": ") && l.contains("\"fraction_of_baseline\": ")),
                r.out());
        assertTrue(r.out().contains("\"optimizer\": \"adam\"") && r.out().contains("\"bytes_per_parameter\": 32"), r.out());
    }

    /** Adam's step reads p, g, m, v and writes p, m, v (28 bytes per parameter); the full step's check reads g again. */
    @Test
    void benchKernelAndBenchOptimizersCountAdamsBytesAlike() {
        MainTest.Run kernel = MainTest.run("--backend", "reference", "bench", "kernel", "--kernel", "adam", "--size", "1003",
                "--runs", "2", "--warmup", "1", "--json");
        assertEquals(0, kernel.exitCode(), kernel.err());
        assertTrue(kernel.out().contains("\"bytes_per_parameter\": 28") && kernel.out().contains("\"regime\": \"cache-resident"),
                kernel.out());
        MainTest.Run step = MainTest.run("--backend", "reference", "bench", "optimizers", "--size", "1003", "--runs", "2",
                "--warmup", "1", "--json");
        String adam = step.out().lines().filter(l -> l.contains("\"optimizer\": \"adam\"")).findFirst().orElseThrow();
        assertTrue(adam.contains("\"kernel_bytes_per_parameter\": 28, \"check_bytes_per_parameter\": 4, "
                + "\"bytes_per_parameter\": 32"), adam);
    }
}
