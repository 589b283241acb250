package org.optopt.cli.studyreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;
import org.optopt.cli.study.StudyCommandTest;

/**
 * The report page rendered by a real browser: headless Chromium takes a screenshot of
 * {@code index.html}, which must have the window's size, be mostly but not entirely white (text
 * and figures drawn) and show the figures' curves (pixels of the report's red, the second series'
 * color, which no text or link of the page has). Runs only with the {@code browser} Maven profile
 * ({@code ./mvnw verify -Pbrowser}), whose system property {@code optopt.browser} lets this test
 * run its setup script ({@code src/test/scripts/install-chromium.sh}, which installs Debian's
 * {@code chromium} where it is missing); otherwise it skips, and {@link ReportTest} checks the
 * page's structure and images.
 */
class ReportBrowserIT {
    private static final Path ROOT = Path.of(System.getProperty("optopt.root", "..")).toAbsolutePath().normalize();
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2400;

    @Test
    void chromiumRendersTheReportWithItsFigures(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("optopt.browser"),
                "the headless browser check runs with the browser profile: ./mvnw verify -Pbrowser");
        String chromium = run(dir.resolve("setup.log"), 600, "bash",
                ROOT.resolve("app-cli/src/test/scripts/install-chromium.sh").toString()).strip();
        Path f = StudyCommandTest.writeStudy(dir);
        assertEquals(0, MainTest.run("--backend", "reference", "study", "run", f.toString()).exitCode());
        Path out = dir.resolve("report");
        MainTest.Run r = MainTest.run("report", dir.resolve("out").toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());

        Path screenshot = dir.resolve("screenshot.png");
        run(dir.resolve("chromium.log"), 180, chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=" + WIDTH + "," + HEIGHT, "--screenshot=" + screenshot,
                out.resolve("index.html").toUri().toString());
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertNotNull(image, "the screenshot is not a PNG");
        assertEquals(List.of(WIDTH, HEIGHT), List.of(image.getWidth(), image.getHeight()));
        long white = 0;
        long red = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = image.getRGB(x, y);
                int cr = rgb >> 16 & 0xff;
                int cg = rgb >> 8 & 0xff;
                int cb = rgb & 0xff;
                white += cr > 245 && cg > 245 && cb > 245 ? 1 : 0;
                red += cr > 170 && cg < 90 && cb < 90 ? 1 : 0;
            }
        }
        double blank = (double) white / ((long) WIDTH * HEIGHT);
        System.out.printf("screenshot %dx%d: %.1f%% white, %d red pixels%n", image.getWidth(), image.getHeight(),
                100 * blank, red);
        assertTrue(blank > 0.3 && blank < 0.99, "white fraction " + blank);
        assertTrue(red > 200, "red curve pixels: " + red);
    }

    /** Runs {@code command} with its output in {@code log}; returns its standard output. */
    private static String run(Path log, long seconds, String... command) throws IOException, InterruptedException {
        Path err = log.resolveSibling(log.getFileName() + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command[0] + " did not finish in " + seconds + " s: " + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed: " + read(err));
        return Files.readString(log);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
