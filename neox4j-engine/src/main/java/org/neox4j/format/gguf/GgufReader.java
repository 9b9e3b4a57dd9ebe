package org.neox4j.format.gguf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a GGUF header (versions 2 and 3, little-endian): magic, version, counts
 * and lengths bounded by the file size before anything is allocated, known value and tensor
 * types, {@code general.alignment}, tensor offsets aligned and inside the data section, shape ×
 * type size, and no two tensors overlapping. Every failure is a {@link org.neox4j.format.FormatException}
 * naming the file, the field and the byte offset.
 */
public final class GgufReader {
    /** "GGUF" read as a little-endian uint32. */
    static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    /** GGML_MAX_DIMS. */
    static final int MAX_DIMS = 4;
    /** Longest key or tensor name accepted (GGML limits tensor names to 63 bytes; keys are short). */
    static final int MAX_NAME_BYTES = 65_535;
    /**
     * Most elements of one metadata array: far above any vocabulary or merge list (hundreds of
     * thousands), and low enough that a huge file of one-byte elements cannot exhaust the heap.
     */
    static final long MAX_ARRAY_ELEMENTS = 1 << 22;
    /** Most tensors, and most key-value pairs, of one file (GPT-NeoX-20B has 533 tensors and about 30 keys). */
    static final long MAX_ENTRIES = 1 << 20;

    private final GgufCursor in;

    private GgufReader(MemorySegment file, String source) {
        this.in = new GgufCursor(file, source);
    }

    /** Reads the header of the mapped {@code file}; {@code source} names it in errors. */
    public static GgufHeader read(MemorySegment file, String source) {
        return new GgufReader(file, source).header(file.byteSize());
    }

    private GgufHeader header(long fileSize) {
        if (fileSize < 4 || in.i32("magic") != MAGIC) {
            in.seek(0);
            throw in.error("not a GGUF file (the first 4 bytes are not \"GGUF\")");
        }
        long version = in.u32("version");
        if (version != 2 && version != 3) {
            throw in.error("GGUF version " + version + " is not supported (neox4j reads versions 2 and 3)");
        }
        // The smallest tensor info: name length (8) + n_dims (4) + type (4) + offset (8).
        long tensorCount = in.count("tensor count", 24);
        // The smallest key-value pair: key length (8) + value type (4) + a one-byte value.
        long kvCount = in.count("metadata key-value count", 13);
        if (tensorCount > MAX_ENTRIES || kvCount > MAX_ENTRIES) {
            throw in.error(tensorCount + " tensors and " + kvCount + " metadata keys: neox4j reads files of up to " + MAX_ENTRIES + " of each");
        }
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = name("metadata key " + i);
            if (metadata.containsKey(key)) {
                throw in.error("metadata key '" + key + "' appears twice");
            }
            metadata.put(key, value("metadata '" + key + "'"));
        }
        int alignment = alignment(metadata.get("general.alignment"));
        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 4096));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo t = tensorInfo(i);
            if (!names.add(t.name())) {
                throw in.error("tensor '" + t.name() + "' appears twice");
            }
            tensors.add(t);
        }
        long dataOffset = (in.position() + alignment - 1) / alignment * alignment;
        checkData(tensors, alignment, dataOffset, fileSize);
        return new GgufHeader((int) version, metadata, tensors, alignment, dataOffset);
    }

    private String name(String what) {
        String name = in.string(what);
        if (name.isEmpty() || name.length() > MAX_NAME_BYTES) {
            throw in.error(what + " has length " + name.length() + " (expected 1.." + MAX_NAME_BYTES + ")");
        }
        return name;
    }

    private GgufValue value(String what) {
        long typeId = in.u32(what + " type");
        GgufValueType type = GgufValueType.byId(typeId);
        if (type == null) {
            throw in.error(what + " has unknown value type " + typeId + " (GGUF defines 0..12)");
        }
        if (type == GgufValueType.ARRAY) {
            return array(what);
        }
        return element(type, what);
    }

    private GgufValue bool(String what) {
        int b = in.u8(what);
        if (b > 1) {
            throw in.error(what + " is a bool stored as " + b + " (expected 0 or 1)");
        }
        return new GgufValue.BoolValue(b == 1);
    }

    private GgufValue array(String what) {
        long typeId = in.u32(what + " element type");
        GgufValueType elementType = GgufValueType.byId(typeId);
        if (elementType == null) {
            throw in.error(what + " has unknown element type " + typeId + " (GGUF defines 0..12)");
        }
        if (elementType == GgufValueType.ARRAY) {
            throw in.error(what + " is an array of arrays, which neox4j does not read");
        }
        long minBytes = elementType == GgufValueType.STRING ? 8 : elementType.fixedSize();
        long n = in.count(what + " element count", minBytes);
        if (n > MAX_ARRAY_ELEMENTS) {
            throw in.error(what + " has " + n + " elements; neox4j reads metadata arrays of up to " + MAX_ARRAY_ELEMENTS);
        }
        List<GgufValue> elements = new ArrayList<>((int) Math.min(n, 1 << 20));
        for (long i = 0; i < n; i++) {
            elements.add(element(elementType, what + "[" + i + "]"));
        }
        return new GgufValue.ArrayValue(elementType, elements);
    }

    private GgufValue element(GgufValueType type, String what) {
        return switch (type) {
            case UINT8 -> new GgufValue.IntValue(type, in.u8(what));
            case INT8 -> new GgufValue.IntValue(type, (byte) in.u8(what));
            case UINT16 -> new GgufValue.IntValue(type, in.i16(what) & 0xFFFF);
            case INT16 -> new GgufValue.IntValue(type, in.i16(what));
            case UINT32 -> new GgufValue.IntValue(type, in.u32(what));
            case INT32 -> new GgufValue.IntValue(type, in.i32(what));
            case UINT64, INT64 -> new GgufValue.IntValue(type, in.i64(what));
            case FLOAT32 -> new GgufValue.FloatValue(type, Float.intBitsToFloat(in.i32(what)));
            case FLOAT64 -> new GgufValue.FloatValue(type, Double.longBitsToDouble(in.i64(what)));
            case BOOL -> bool(what);
            case STRING -> new GgufValue.StringValue(in.string(what));
            case ARRAY -> throw in.error(what + " is an array of arrays, which neox4j does not read");
        };
    }

    private int alignment(GgufValue value) {
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(value instanceof GgufValue.IntValue(GgufValueType t, long a)) || t != GgufValueType.UINT32) {
            throw in.error("general.alignment must be a uint32, found " + value.type());
        }
        if (a == 0 || Long.bitCount(a) != 1 || a > (1 << 30)) {
            throw in.error("general.alignment " + a + " is not a power of two (1..2^30)");
        }
        return (int) a;
    }

    private GgufTensorInfo tensorInfo(long index) {
        String name = name("name of tensor " + index);
        String what = "tensor '" + name + "'";
        long nDims = in.u32(what + " dimension count");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw in.error(what + " has " + nDims + " dimensions (expected 1.." + MAX_DIMS + ")");
        }
        long[] ne = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            ne[d] = in.i64(what + " dimension " + d);
            if (ne[d] < 1) {
                throw in.error(what + " dimension " + d + " is " + ne[d] + " (expected at least 1)");
            }
            if (elements > Long.MAX_VALUE / ne[d]) {
                throw in.error(what + " has shape " + Arrays.toString(ne) + ", too many elements");
            }
            elements *= ne[d];
        }
        long typeId = in.u32(what + " type");
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw in.error(what + " has unknown GGML type " + typeId);
        }
        if (ne[0] % type.blockSize() != 0) {
            throw in.error(what + " has rows of " + ne[0] + " elements, not a whole number of " + type
                    + " blocks of " + type.blockSize());
        }
        long blocks = elements / type.blockSize();
        if (blocks > Long.MAX_VALUE / type.blockBytes()) {
            throw in.error(what + " is too large");
        }
        long offset = in.i64(what + " offset");
        return new GgufTensorInfo(name, ne, type, offset, blocks * type.blockBytes());
    }

    private void checkData(List<GgufTensorInfo> tensors, int alignment, long dataOffset, long fileSize) {
        long dataSize = fileSize - dataOffset;
        if (dataSize < 0 && !tensors.isEmpty()) {
            throw in.error("the file ends at byte " + fileSize + " before its data section (byte " + dataOffset + "): truncated");
        }
        for (GgufTensorInfo t : tensors) {
            if (t.offset() < 0 || t.offset() % alignment != 0) {
                throw in.error("tensor '" + t.name() + "' offset " + Long.toUnsignedString(t.offset())
                        + " is not a multiple of the alignment " + alignment);
            }
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                throw in.error("tensor '" + t.name() + "' (" + t.type() + " " + Arrays.toString(t.ne()) + ", "
                        + t.byteSize() + " bytes at data offset " + t.offset() + ") runs past the end of the "
                        + Math.max(0, dataSize) + "-byte data section: truncated or wrong shape");
            }
        }
        List<GgufTensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensorInfo a = byOffset.get(i - 1);
            GgufTensorInfo b = byOffset.get(i);
            if (a.offset() + a.byteSize() > b.offset()) {
                throw in.error("tensors '" + a.name() + "' and '" + b.name() + "' overlap in the data section");
            }
        }
    }
}
