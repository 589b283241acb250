package org.optopt.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FigureTest {
    @Test
    void pointsXChartCannotDrawAreLeftOutAndLongSeriesThinned() {
        Series s = new Series("a", new double[] {1, 2, 3, 4}, new double[] {1, Double.NaN, 0, 2},
                new double[] {1, 1, -1, 2}, new double[] {1, 1, 1, 2});
        Series log = Figure.drawable(s, true);
        assertArrayEquals(new double[] {1, 4}, log.x());
        assertArrayEquals(new double[] {1, 3, 4}, Figure.drawable(s, false).x(), 0, "linear keeps 0 and negatives");
        double[] x = new double[1001];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        Series thinned = Figure.drawable(new Series("b", x, x, x, x), false);
        assertEquals(1001, thinned.x()[thinned.x().length - 1] + 1, 0, "the last point is kept");
        assertTrue(thinned.x().length <= 301, "at most 300 points and the last: " + thinned.x().length);
    }

    @Test
    void panelsAreLaidOutSideBySideInOnePngAndOneSvg(@TempDir Path dir) throws IOException {
        double[] x = {0, 10, 20, 30};
        Series loss = new Series("sgd(lr=0.05, momentum=0.9)", x, new double[] {1, 0.1, 0.01, 0.001},
                new double[] {0.9, 0.09, 0.009, 0.0009}, new double[] {1.1, 0.11, 0.011, 0.0011});
        Series acc = new Series("adam", x, new double[] {0.1, 0.5, 0.8, 0.9}, new double[] {0.1, 0.5, 0.8, 0.9},
                new double[] {0.1, 0.5, 0.8, 0.9});
        List<Panel> panels = List.of(new Panel("loss", "step", "loss", true, List.of(loss), null),
                new Panel("accuracy", "step", "accuracy", false, List.of(acc), new Panel.Reference("target", 0.85)),
                new Panel("third", "step", "y", false, List.of(acc), null));
        Figure.write(panels, dir.resolve("f.png"), dir.resolve("f.svg"));
        BufferedImage png = ImageIO.read(dir.resolve("f.png").toFile());
        assertEquals(2 * 720, png.getWidth(), "two panels a row");
        assertEquals(2 * 420, png.getHeight(), "the third on a second row");
        String svg = Files.readString(dir.resolve("f.svg"));
        assertTrue(svg.contains("<svg") && svg.contains("viewBox=\"0 0 1440 840\"") && !svg.contains("<!DOCTYPE"),
                svg.substring(0, 300));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left");
        }
    }
}
