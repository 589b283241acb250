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

class CharCorpusTest {
    @TempDir Path tmp;

    @IntegrationTest
    @Test
    void tinyShakespeareHas1115394CharactersAnd65DistinctOnes() throws IOException {
        Path file = SharedFiles.configured().data("tinyshakespeare/input.txt");
        CharCorpus corpus = CharCorpus.read(file);
        assertEquals(1115394, corpus.length());
        assertEquals(65, corpus.vocabularySize());
        assertEquals(Files.readString(file), corpus.decode(corpus.ids()));
        assertEquals("First Citizen:", corpus.decode(java.util.Arrays.copyOf(corpus.ids(), 14)));
    }

    @Test
    void vocabularyIsSortedAndEncodingRoundTrips() {
        CharCorpus corpus = CharCorpus.of("hello, world");
        assertArrayEquals(" ,dehlorw".codePoints().toArray(), corpus.vocabulary());
        assertArrayEquals(new int[] {4, 3, 5, 5, 6}, corpus.encode("hello"));
        assertEquals("world", corpus.decode(corpus.encode("world")));
        assertArrayEquals(corpus.encode("hello, world"), corpus.ids());
    }

    @Test
    void codePointsOutsideTheBasicPlaneAreOneCharacter() {
        CharCorpus corpus = CharCorpus.of("a\uD83D\uDE00a");
        assertEquals(3, corpus.length());
        assertEquals(2, corpus.vocabularySize());
    }

    @Test
    void unknownCharactersAndIdsNameTheOffender() {
        CharCorpus corpus = CharCorpus.of("abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.encode("abz"));
        assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("position 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> corpus.decode(0, 3));
        assertTrue(e.getMessage().contains("id 3 at position 1"), e.getMessage());
    }

    @Test
    void invalidUtf8AndEmptyFilesAreRejectedWithTheFileName() throws IOException {
        Path bad = tmp.resolve("latin1.txt");
        Files.write(bad, new byte[] {'c', 'a', 'f', (byte) 0xe9});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CharCorpus.read(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("UTF-8"), e.getMessage());
        Path empty = Files.createFile(tmp.resolve("empty.txt"));
        assertThrows(IllegalArgumentException.class, () -> CharCorpus.read(empty));
    }
}
