package org.neox4j.format.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neox4j.format.FormatException;

/** Typed access to GGUF metadata, with errors that name the file, the key and what was expected. */
public record GgufMetadata(Map<String, GgufValue> values, String source) {

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    private GgufValue require(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            throw new FormatException(source + ": missing metadata key '" + key + "'");
        }
        return v;
    }

    public String string(String key) {
        if (require(key) instanceof GgufValue.StringValue(String s)) {
            return s;
        }
        throw wrongType(key, "a string");
    }

    public Optional<String> optionalString(String key) {
        return has(key) ? Optional.of(string(key)) : Optional.empty();
    }

    /** An integer of any GGUF integer type that fits a non-negative int. */
    public int count(String key) {
        if (require(key) instanceof GgufValue.IntValue(GgufValueType t, long v)) {
            if (v < 0 || v > Integer.MAX_VALUE || (t == GgufValueType.UINT64 && v < 0)) {
                throw new FormatException(source + ": metadata '" + key + "' is " + GgufValue.describe(values.get(key))
                        + " (expected 0.." + Integer.MAX_VALUE + ")");
            }
            return (int) v;
        }
        throw wrongType(key, "an integer");
    }

    public Optional<Integer> optionalCount(String key) {
        return has(key) ? Optional.of(count(key)) : Optional.empty();
    }

    /**
     * A float32 or float64 value (integers are accepted too). A float32 reads as the shortest
     * decimal that rounds to it ({@code 1e-5}, not {@code 9.99999974738e-6}), as config files write it.
     */
    public double number(String key) {
        return switch (require(key)) {
            case GgufValue.FloatValue f when f.type() == GgufValueType.FLOAT32 -> Double.parseDouble(Float.toString((float) f.value()));
            case GgufValue.FloatValue f -> f.value();
            case GgufValue.IntValue i -> i.value();
            default -> throw wrongType(key, "a number");
        };
    }

    public Optional<Double> optionalNumber(String key) {
        return has(key) ? Optional.of(number(key)) : Optional.empty();
    }

    public boolean bool(String key) {
        if (require(key) instanceof GgufValue.BoolValue(boolean b)) {
            return b;
        }
        throw wrongType(key, "a bool");
    }

    public Optional<Boolean> optionalBool(String key) {
        return has(key) ? Optional.of(bool(key)) : Optional.empty();
    }

    public List<String> strings(String key) {
        GgufValue.ArrayValue array = array(key, GgufValueType.STRING);
        List<String> out = new ArrayList<>(array.elements().size());
        for (GgufValue e : array.elements()) {
            out.add(((GgufValue.StringValue) e).value());
        }
        return out;
    }

    /** An array of any integer type, as ints. */
    public int[] ints(String key) {
        if (!(require(key) instanceof GgufValue.ArrayValue(GgufValueType elementType, List<GgufValue> elements))
                || !elementType.isInteger()) {
            throw wrongType(key, "an array of integers");
        }
        int[] out = new int[elements.size()];
        for (int i = 0; i < out.length; i++) {
            long v = ((GgufValue.IntValue) elements.get(i)).value();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new FormatException(source + ": metadata '" + key + "'[" + i + "] = " + v + " does not fit an int32");
            }
            out[i] = (int) v;
        }
        return out;
    }

    private GgufValue.ArrayValue array(String key, GgufValueType elementType) {
        if (require(key) instanceof GgufValue.ArrayValue a && a.elementType() == elementType) {
            return a;
        }
        throw wrongType(key, "an array of " + elementType);
    }

    private FormatException wrongType(String key, String expected) {
        GgufValue v = values.get(key);
        String found = v instanceof GgufValue.ArrayValue a ? "an array of " + a.elementType() : v.type().toString();
        return new FormatException(source + ": metadata '" + key + "' must be " + expected + ", found " + found);
    }
}
