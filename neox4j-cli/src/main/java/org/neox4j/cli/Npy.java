package org.neox4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes NumPy {@code .npy} files, format version 1.0: the magic {@code \x93NUMPY}, version 1.0, a
 * little-endian uint16 header length, an ASCII header (a Python dict literal padded with spaces
 * and ended by a newline so that the data starts at a multiple of 64 bytes), then the data in C
 * order. {@code numpy.load} reads it back.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGN = 64;

    private Npy() {
    }

    /** A float32 little-endian matrix of {@code rows.size()} rows of equal length. */
    static void writeFloat32(Path file, List<float[]> rows) throws IOException {
        int cols = rows.isEmpty() ? 0 : rows.getFirst().length;
        for (float[] r : rows) {
            if (r.length != cols) {
                throw new IllegalArgumentException("rows of a matrix must have equal lengths, got " + cols + " and " + r.length);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header("<f4", rows.size(), cols));
            ByteBuffer buf = ByteBuffer.allocate(cols * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] r : rows) {
                buf.clear();
                buf.asFloatBuffer().put(r);
                out.write(buf.array(), 0, cols * Float.BYTES);
            }
        }
    }

    static byte[] header(String descr, int rows, int cols) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        String text = dict + " ".repeat(padding) + "\n";
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + ascii.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) ascii.length).put(ascii);
        return b.array();
    }
}
