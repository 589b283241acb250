package org.optopt.tasks.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A text for character-level language modelling: its vocabulary (the distinct Unicode code
 * points of the text, in ascending order) and the text encoded as vocabulary ids, where id
 * {@code i} stands for {@code vocabulary[i]}.
 */
public final class CharCorpus {
    private final int[] vocabulary;
    private final int[] ids;

    private CharCorpus(int[] vocabulary, int[] ids) {
        this.vocabulary = vocabulary;
        this.ids = ids;
    }

    /** Builds the corpus of {@code text}; the vocabulary is taken from the text itself. */
    public static CharCorpus of(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("text for a character corpus is empty");
        }
        int[] codePoints = text.codePoints().toArray();
        int[] vocabulary = Arrays.stream(codePoints).distinct().sorted().toArray();
        CharCorpus corpus = new CharCorpus(vocabulary, null);
        return new CharCorpus(vocabulary, corpus.encodeCodePoints(codePoints, "the text"));
    }

    /**
     * Reads a UTF-8 text file (plain ASCII is UTF-8).
     *
     * @throws IllegalArgumentException naming the file if it is not valid UTF-8 or is empty
     */
    public static CharCorpus read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw DataFiles.corrupt(file, "is not valid UTF-8 text");
        }
        if (text.isEmpty()) {
            throw DataFiles.corrupt(file, "is empty");
        }
        return of(text);
    }

    /** Number of distinct characters. */
    public int vocabularySize() {
        return vocabulary.length;
    }

    /** The vocabulary, a copy: {@code vocabulary()[id]} is the code point of {@code id}. */
    public int[] vocabulary() {
        return vocabulary.clone();
    }

    /** Number of characters (code points) of the text. */
    public int length() {
        return ids.length;
    }

    /** The whole text as ids; the array is shared, callers must not modify it. */
    public int[] ids() {
        return ids;
    }

    /**
     * Encodes {@code text} as ids.
     *
     * @throws IllegalArgumentException naming the character and its position if it is not in the vocabulary
     */
    public int[] encode(CharSequence text) {
        return encodeCodePoints(text.codePoints().toArray(), "'" + text + "'");
    }

    /**
     * Decodes ids back to text.
     *
     * @throws IllegalArgumentException naming the id and its position if it is outside {@code [0, vocabularySize())}
     */
    public String decode(int... encoded) {
        StringBuilder out = new StringBuilder(encoded.length);
        for (int i = 0; i < encoded.length; i++) {
            if (encoded[i] < 0 || encoded[i] >= vocabulary.length) {
                throw new IllegalArgumentException("id " + encoded[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocabulary.length + ")");
            }
            out.appendCodePoint(vocabulary[encoded[i]]);
        }
        return out.toString();
    }

    private int[] encodeCodePoints(int[] codePoints, String source) {
        int[] out = new int[codePoints.length];
        for (int i = 0; i < codePoints.length; i++) {
            int id = Arrays.binarySearch(vocabulary, codePoints[i]);
            if (id < 0) {
                throw new IllegalArgumentException("character '" + Character.toString(codePoints[i])
                        + "' (U+" + Integer.toHexString(codePoints[i]).toUpperCase() + ") at position "
                        + i + " of " + source + " is not in the vocabulary");
            }
            out[i] = id;
        }
        return out;
    }
}
