package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;

class NfcTest {

    @Test
    void composesLikeJavaElsewhere() {
        assertEquals("caf\u00e9", Nfc.normalize("cafe\u0301"));
        assertEquals("\u00C5", Nfc.normalize("\u212B")); // Angstrom sign
        assertEquals("\u1EA1\u0308", Nfc.normalize("a\u0308\u0323")); // marks reordered, then composed
        String ascii = "plain text";
        assertSame(ascii, Nfc.normalize(ascii));
    }

    /** The library's older tables lack these compositions; Java 25 applies them. */
    @Test
    void leavesTheNewerCompositionsAlone() {
        String divesAkuru = "\uD806\uDD35\uD806\uDD30"; // U+11935 U+11930
        assertNotEquals(divesAkuru, Normalizer.normalize(divesAkuru, Normalizer.Form.NFC));
        assertEquals(divesAkuru, Nfc.normalize(divesAkuru));
        String todhri = "\uD801\uDDD2\u0307e\u0301"; // U+105D2 U+0307, then e + acute
        assertEquals("\uD801\uDDD2\u0307\u00E9", Nfc.normalize(todhri));
    }

    /**
     * The list must hold every Java composite built from one of its code points, and every
     * composite in it must really compose in Java: otherwise it is incomplete or stale.
     */
    @Test
    void listIsClosedUnderJavasCompositions() {
        for (int c : Nfc.UNKNOWN_TO_LIBRARY) {
            String s = Character.toString(c);
            String d = Normalizer.normalize(s, Normalizer.Form.NFD);
            if (!d.equals(s)) {
                assertEquals(s, Normalizer.normalize(d, Normalizer.Form.NFC), () -> Integer.toHexString(c));
                d.codePoints().filter(x -> x != 0x0307).forEach(x ->
                        assertTrue(Nfc.isUnknownToLibrary(x), () -> "part of " + Integer.toHexString(c)));
            }
        }
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            String s = Character.toString(c);
            String d = Normalizer.normalize(s, Normalizer.Form.NFD);
            if (!d.equals(s) && d.codePoints().anyMatch(Nfc::isUnknownToLibrary)) {
                assertTrue(Nfc.isUnknownToLibrary(c), "composite missing: " + Integer.toHexString(c));
            }
        }
    }
}
