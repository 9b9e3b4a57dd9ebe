package org.neox4j.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Locale;
import org.neox4j.Neox4jException;
import org.neox4j.cluster.proto.Activations;
import org.neox4j.cluster.proto.WireDType;

/**
 * How hidden states travel between stages: float32 (exact) or float16 (half the bytes, about three
 * significant digits). Either way each stage computes in float32.
 */
public enum WireFormat {
    F32(WireDType.F32, 4),
    F16(WireDType.F16, 2);

    private final WireDType proto;
    private final int bytesPerValue;

    WireFormat(WireDType proto, int bytesPerValue) {
        this.proto = proto;
        this.bytesPerValue = bytesPerValue;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    WireDType proto() {
        return proto;
    }

    /** {@code f32} or {@code f16}, as on the command line. */
    public static WireFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> F32;
            case "f16", "float16" -> F16;
            default -> throw new Neox4jException("unknown wire dtype '" + name + "' (expected f32 or f16)");
        };
    }

    static WireFormat of(WireDType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F16 -> F16;
            default -> throw new IllegalArgumentException("unknown wire dtype " + dtype);
        };
    }

    /** Rows {@code [0, rows)} of {@code width} values from {@code x[offset...]}, encoded. */
    Activations encode(float[] x, int offset, int rows, int width) {
        int count = Math.multiplyExact(rows, width);
        byte[] bytes = new byte[Math.multiplyExact(count, bytesPerValue)];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (this == F32) {
            buffer.asFloatBuffer().put(x, offset, count);
        } else {
            ShortBuffer halves = buffer.asShortBuffer();
            for (int i = 0; i < count; i++) {
                float v = x[offset + i];
                short half = Float.floatToFloat16(v);
                if (Float.isInfinite(Float.float16ToFloat(half)) && Float.isFinite(v)) {
                    throw new Neox4jException("hidden state value " + v + " overflows float16 on the wire; use the f32 wire dtype");
                }
                halves.put(half);
            }
        }
        ByteString data = UnsafeByteOperations.unsafeWrap(bytes);
        return Activations.newBuilder().setDtype(proto).setRows(rows).setWidth(width).setData(data).build();
    }

    /**
     * Decodes {@code a} into {@code out[offset...]}, checking that it holds exactly {@code rows × width}
     * values; the error names {@code from}.
     */
    static void decode(Activations a, int rows, int width, float[] out, int offset, String from) {
        WireFormat format;
        try {
            format = of(a.getDtype());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from + ": hidden states in unknown wire dtype " + a.getDtype());
        }
        if (a.getRows() != rows || a.getWidth() != width) {
            throw new IllegalArgumentException(from + ": hidden states of " + a.getRows() + " × " + a.getWidth()
                    + " values, expected " + rows + " × " + width);
        }
        int count = Math.multiplyExact(rows, width);
        if (a.getData().size() != (long) count * format.bytesPerValue) {
            throw new IllegalArgumentException(from + ": " + a.getData().size() + " bytes of hidden states, expected "
                    + (long) count * format.bytesPerValue + " (" + rows + " × " + width + " " + format + ")");
        }
        ByteBuffer buffer = a.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (format == F32) {
            FloatBuffer floats = buffer.asFloatBuffer();
            floats.get(out, offset, count);
        } else {
            ShortBuffer halves = buffer.asShortBuffer();
            for (int i = 0; i < count; i++) {
                out[offset + i] = Float.float16ToFloat(halves.get());
            }
        }
    }
}
