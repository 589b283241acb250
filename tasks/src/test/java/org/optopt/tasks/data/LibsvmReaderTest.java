package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.testsupport.SharedFiles;

class LibsvmReaderTest {
    @TempDir Path tmp;

    /** Counts from shared/data/README.md and LIBSVM's data page: rows, positives, width, nonzeros. */
    private static void assertCounts(Dataset data, int rows, int positives, int width, int nonZeros) {
        assertEquals(rows, data.rows());
        assertEquals(width, data.width());
        assertArrayEquals(new int[] {rows - positives, positives}, data.classCounts());
        int nnz = 0;
        for (float x : data.features()) {
            if (x != 0) {
                assertEquals(1f, x, "all feature values of these sets are 1");
                nnz++;
            }
        }
        assertEquals(nonZeros, nnz);
    }

    @IntegrationTest
    @Test
    void a9aHas32561RowsAnd123Features() throws IOException {
        assertCounts(LibsvmReader.read(SharedFiles.configured().data("libsvm/a9a")), 32561, 7841, 123, 451592);
    }

    @IntegrationTest
    @Test
    void a9aTestHas16281RowsAndNeedsTheGivenFeatureCount() throws IOException {
        Path file = SharedFiles.configured().data("libsvm/a9a.t");
        assertEquals(122, LibsvmReader.read(file).width(), "largest index in a9a.t is 122");
        assertCounts(LibsvmReader.read(file, 123), 16281, 3846, 123, 225731);
    }

    @IntegrationTest
    @Test
    void w8aHas49749RowsAnd300FeaturesDespiteItsTrailingBlankLine() throws IOException {
        assertCounts(LibsvmReader.read(SharedFiles.configured().data("libsvm/w8a")), 49749, 1479, 300, 579586);
    }

    @Test
    void parsesSparseRowsCommentsBlankLinesAndBothLabelConventions() throws IOException {
        Path file = tmp.resolve("small.svm");
        Files.writeString(file, """
                # header comment
                +1 1:0.5 3:2 \r
                
                -1 2:-1.5   # trailing comment
                0
                1 3:4e-1
                """);
        Dataset data = LibsvmReader.read(file);
        assertEquals(3, data.width());
        assertArrayEquals(new int[] {1, 0, 0, 1}, data.labels());
        assertArrayEquals(new float[] {0.5f, 0, 2, 0, -1.5f, 0, 0, 0, 0, 0, 0, 0.4f}, data.features());
        assertEquals(5, LibsvmReader.read(file, 5).width());
    }

    @Test
    void badLineIsReportedWithFileNameAndLineNumber() throws IOException {
        assertLineError("+1 1:1\n\n-1 2:x\n", 3, "feature value in '2:x'");
        assertLineError("+1 1:1\n2 1:1\n", 2, "label '2'");
        assertLineError("# c\nyes 1:1\n", 2, "label 'yes'");
        assertLineError("+1 0:1\n", 1, "below 1");
        assertLineError("+1 3:1 2:1\n", 1, "does not increase");
        assertLineError("+1 1:1\n-1 1\n", 2, "not of the form index:value");
        assertLineError("+1 1:NaN\n", 1, "not finite");
        assertLineError("-1 1:1 2:Infinity\n", 1, "not finite");
    }

    @Test
    void indexBeyondTheGivenFeatureCountIsAnError() throws IOException {
        Path file = tmp.resolve("wide.svm");
        Files.writeString(file, "+1 1:1\n-1 4:1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LibsvmReader.read(file, 3));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("exceeds the feature count 3"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LibsvmReader.read(file, 0));
    }

    @Test
    void fileWithoutRecordsIsAnError() throws IOException {
        Path file = tmp.resolve("empty.svm");
        Files.writeString(file, "# nothing\n\n");
        assertThrows(IllegalArgumentException.class, () -> LibsvmReader.read(file));
    }

    private void assertLineError(String content, int line, String detail) throws IOException {
        Path file = tmp.resolve("bad.svm");
        Files.writeString(file, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LibsvmReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line " + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }
}
