package org.optopt.cli.studyreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;
import org.optopt.cli.study.StudyCommandTest;

/** {@code optopt report}: the page's structure, and every figure it references exists and decodes. */
class ReportTest {
    @Test
    void theReportPageReferencesFiguresThatDecode(@TempDir Path dir) throws Exception {
        Path f = StudyCommandTest.writeStudy(dir);
        assertEquals(0, MainTest.run("--backend", "reference", "study", "run", f.toString()).exitCode());
        Path out = dir.resolve("report");
        MainTest.Run r = MainTest.run("report", dir.resolve("out").toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.strip().endsWith("</html>"), html);
        assertTrue(html.contains("<td>sgd(lr=1e-4)</td><td>2</td>") && html.contains("<h1>Study small</h1>") && html.contains("<h2>External tuning</h2>")
                && html.contains("<h2>rosenbrock</h2>") && html.contains("profile area"), html);
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            Path image = out.resolve(m.group(1));
            assertTrue(Files.isRegularFile(image), "referenced but missing: " + image);
            if (image.toString().endsWith(".csv")) {
                assertTrue(Files.readString(image).startsWith("task,entry,configuration,"), image.toString());
                continue;
            }
            if (image.toString().endsWith(".png")) {
                BufferedImage png = ImageIO.read(image.toFile());
                assertNotNull(png, "not a PNG: " + image);
                assertTrue(png.getWidth() > 100 && png.getHeight() > 100, image.toString());
            } else {
                DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
                xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
                var svg = xml.newDocumentBuilder().parse(image.toFile());
                assertEquals("svg", svg.getDocumentElement().getNodeName(), image.toString());
            }
            images++;
        }
        // profile, curves and learning-rate sensitivity (sgd sweeps lr), each as SVG and PNG
        assertEquals(6, images, html);
        assertTrue(List.of(html.split("\n")).stream().anyMatch(l -> l.contains("lr-sensitivity-rosenbrock.svg")));
    }

    @Test
    void aDirectoryWithoutAStudyIsAOneLineError(@TempDir Path dir) throws IOException {
        MainTest.Run r = MainTest.run("report", dir.toString(), "--out", dir.resolve("r").toString());
        assertEquals(1, r.exitCode());
        assertEquals("optopt: error: " + dir + " is not a study directory (no study.yaml)", r.err().strip());
    }
}
