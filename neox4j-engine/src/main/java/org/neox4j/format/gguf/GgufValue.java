package org.neox4j.format.gguf;

import java.util.List;

/** A GGUF metadata value: one variant per kind of stored value. */
public sealed interface GgufValue {

    /** The stored type. */
    GgufValueType type();

    /**
     * An integer of any width; {@code UINT64} values above {@link Long#MAX_VALUE} read as negative
     * (use {@link Long#toUnsignedString} to show them).
     */
    record IntValue(GgufValueType type, long value) implements GgufValue {
        public IntValue {
            if (!type.isInteger()) {
                throw new IllegalArgumentException(type + " is not an integer type");
            }
        }
    }

    record FloatValue(GgufValueType type, double value) implements GgufValue {
        public FloatValue {
            if (type != GgufValueType.FLOAT32 && type != GgufValueType.FLOAT64) {
                throw new IllegalArgumentException(type + " is not a float type");
            }
        }
    }

    record BoolValue(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }
    }

    record StringValue(String value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }
    }

    /** An array of values of one type (GGUF has no arrays of arrays here; neox4j refuses them). */
    record ArrayValue(GgufValueType elementType, List<GgufValue> elements) implements GgufValue {
        public ArrayValue {
            elements = List.copyOf(elements);
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }
    }

    static IntValue uint32(long v) {
        return new IntValue(GgufValueType.UINT32, v);
    }

    static IntValue int32(long v) {
        return new IntValue(GgufValueType.INT32, v);
    }

    static FloatValue float32(double v) {
        return new FloatValue(GgufValueType.FLOAT32, v);
    }

    static StringValue string(String v) {
        return new StringValue(v);
    }

    static BoolValue bool(boolean v) {
        return new BoolValue(v);
    }

    /** A short text for messages and {@code info}: arrays show their type and length only. */
    static String describe(GgufValue value) {
        return switch (value) {
            case IntValue i -> i.type() == GgufValueType.UINT64 ? Long.toUnsignedString(i.value()) : Long.toString(i.value());
            case FloatValue f -> f.type() == GgufValueType.FLOAT32 ? Float.toString((float) f.value()) : Double.toString(f.value());
            case BoolValue b -> Boolean.toString(b.value());
            case StringValue s -> s.value();
            case ArrayValue a -> "[" + a.elementType() + " × " + a.elements().size() + "]";
        };
    }
}
