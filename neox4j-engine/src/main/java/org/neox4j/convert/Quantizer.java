package org.neox4j.convert;

import java.nio.ByteBuffer;
import org.neox4j.Neox4jException;
import org.neox4j.tensor.DType;

/** GGML block quantization (Q8_0, Q4_0) for export; delegates to the kernels' quantizer. */
final class Quantizer {
    private Quantizer() {
    }

    static void quantize(DType type, float[] src, int offset, int count, ByteBuffer dst) {
        throw new Neox4jException("quantizing to " + type.cliName() + " needs the GGML quantizer of the kernels work,"
                + " which this build does not have yet; use f16 or f32");
    }
}
