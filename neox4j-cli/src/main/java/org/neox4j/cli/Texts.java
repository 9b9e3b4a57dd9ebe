package org.neox4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.neox4j.Neox4jException;

/** Reading user text strictly as UTF-8: invalid bytes are an error, never silently replaced. */
final class Texts {
    private Texts() {
    }

    static String readFileOrStdin(String fileOrDash) throws IOException {
        if (fileOrDash.equals("-")) {
            return decode(System.in.readAllBytes(), "standard input");
        }
        return decode(Files.readAllBytes(Path.of(fileOrDash)), fileOrDash);
    }

    static String readAll(InputStream in, String what) throws IOException {
        return decode(in.readAllBytes(), what);
    }

    static String decode(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Neox4jException(what + " is not valid UTF-8 text");
        }
    }
}
