package org.neox4j.format.pt;

import org.neox4j.tensor.DType;

/**
 * The typed PyTorch storage classes a checkpoint may name ({@code torch.HalfStorage}, ...), with
 * their element size and, where the engine can use them as weights, the engine dtype.
 */
public enum StorageType {
    HALF("HalfStorage", "float16", 2, DType.F16),
    FLOAT("FloatStorage", "float32", 4, DType.F32),
    BFLOAT16("BFloat16Storage", "bfloat16", 2, DType.BF16),
    DOUBLE("DoubleStorage", "float64", 8, null),
    LONG("LongStorage", "int64", 8, null),
    INT("IntStorage", "int32", 4, null),
    SHORT("ShortStorage", "int16", 2, null),
    CHAR("CharStorage", "int8", 1, null),
    BYTE("ByteStorage", "uint8", 1, null),
    BOOL("BoolStorage", "bool", 1, null);

    private final String className;
    private final String dtypeName;
    private final int elementSize;
    private final DType engineType;

    StorageType(String className, String dtypeName, int elementSize, DType engineType) {
        this.className = className;
        this.dtypeName = dtypeName;
        this.elementSize = elementSize;
        this.engineType = engineType;
    }

    /** The class name in module {@code torch}, e.g. {@code HalfStorage}. */
    public String className() {
        return className;
    }

    /** PyTorch's dtype name, e.g. {@code float16}. */
    public String dtypeName() {
        return dtypeName;
    }

    public int elementSize() {
        return elementSize;
    }

    /** The engine dtype, or null when tensors of this type cannot be weights (integers, float64). */
    public DType engineType() {
        return engineType;
    }

    /** The storage type of class {@code torch.<name>}, or null when there is none of that name. */
    public static StorageType ofClass(String name) {
        for (StorageType t : values()) {
            if (t.className.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** True when {@code torch.<name>} is a dtype object such as {@code torch.float16}. */
    static boolean isDtypeName(String name) {
        for (StorageType t : values()) {
            if (t.dtypeName.equals(name)) {
                return true;
            }
        }
        return switch (name) {
            case "half", "float", "double", "long", "int", "short", "bfloat16", "complex64", "complex128", "uint16",
                    "uint32", "uint64", "float8_e4m3fn", "float8_e5m2" -> true;
            default -> false;
        };
    }
}
