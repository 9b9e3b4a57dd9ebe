package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
    /** The GPT-2 pattern, with Java's regex engine in Unicode mode as an independent reference. */
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int end = PreTokenizer.pieceEnd(text, start, text.length());
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    private static List<String> regexSplit(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = GPT2.matcher(text);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }

    @Test
    void splitsTheReadmeExamples() {
        assertEquals(List.of("x", "\n ", "\n", "y"), split("x\n \ny")); // \s+(?!\S) backtracks
        assertEquals(List.of("a", " \n", " b"), split("a \n b"));
        assertEquals(List.of("I", "'", "M"), split("I'M")); // contractions are case-sensitive
        assertEquals(List.of("I", "\u2019", "m"), split("I\u2019m")); // and need the ASCII apostrophe
        assertEquals(List.of("'t", "is"), split("'tis"));
        assertEquals(List.of("Hello", ",", " world", "!!", " 123", " ½²"), split("Hello, world!! 123 ½²"));
        assertEquals(List.of("a", " ", " b"), split("a  b"));
        assertEquals(List.of("$'", "s"), split("$'s"));
        assertEquals(List.of("it", "'ll", " \t", "\t", "go"), split("it'll \t\tgo"));
    }

    @Test
    void matchesTheRegexOnRandomText() {
        String[] alphabet = {"a", "Z", "é", "ß", "中", "\uD835\uDC00" /* math bold A */, "\uD801\uDC00", "1", "½", "²",
            "\u0663", "'", "s", "t", "re", "ve", "ll", "d", "m", " ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u3000",
            "\u2028", "\u200B", "\uFEFF", "\u0085", ".", ",", "!", "-", "\u0301", "\uD83D\uDE00", "\u0000", "<|", "|>"};
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(12);
            for (int i = 0; i < parts; i++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = text.toString();
            assertEquals(regexSplit(s), split(s), () -> "text: " + s.codePoints()
                    .mapToObj(c -> String.format("U+%04X", c)).toList());
        }
    }
}
