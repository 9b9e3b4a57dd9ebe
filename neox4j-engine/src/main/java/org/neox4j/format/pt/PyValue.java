package org.neox4j.format.pt;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a restricted {@link Pickle} produces: plain data (numbers, strings, tuples, lists,
 * dicts), inert references to allowed globals, inert objects, and PyTorch storages and tensors.
 * Nothing here can run code. Lists and dicts are mutable while the pickle is read and compare
 * by identity (they are unhashable, as in Python); everything else compares by value.
 * {@link #toString()} is bounded in depth and length, so cyclic or deep values print safely.
 */
public sealed interface PyValue {

    /** Python's {@code None}. */
    record None() implements PyValue {
        public static final None NONE = new None();

        @Override
        public String toString() {
            return "None";
        }
    }

    record Bool(boolean value) implements PyValue {
        @Override
        public String toString() {
            return value ? "True" : "False";
        }
    }

    /** An integer; pickles with integers wider than 64 bits are rejected. */
    record Int(long value) implements PyValue {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    record Float(double value) implements PyValue {
        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    record Str(String value) implements PyValue {
        @Override
        public String toString() {
            return Printer.quote(value);
        }
    }

    record Bytes(byte[] value) implements PyValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "b<" + value.length + " bytes>";
        }
    }

    /** An immutable tuple; {@code depth} is its nesting depth (1 for a tuple of scalars). */
    record Tuple(List<PyValue> items, int depth) implements PyValue {
        public Tuple {
            items = List.copyOf(items);
        }

        public int size() {
            return items.size();
        }

        public PyValue get(int i) {
            return items.get(i);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tuple t && items.equals(t.items);
        }

        @Override
        public int hashCode() {
            return items.hashCode();
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /** A list (sets are read as lists too). */
    final class PyList implements PyValue {
        final List<PyValue> items = new ArrayList<>();
        int depth = 1;

        public List<PyValue> items() {
            return Collections.unmodifiableList(items);
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /** A dict or {@code collections.OrderedDict}, in insertion order; {@code attributes} come from BUILD. */
    final class PyDict implements PyValue {
        final Map<PyValue, PyValue> items = new LinkedHashMap<>();
        final Map<String, PyValue> attributes = new LinkedHashMap<>();
        int depth = 1;

        public Map<PyValue, PyValue> items() {
            return Collections.unmodifiableMap(items);
        }

        /** Instance attributes set by BUILD (a state dict's {@code _metadata}). */
        public Map<String, PyValue> attributes() {
            return Collections.unmodifiableMap(attributes);
        }

        /** The value under a string key, or null. */
        public PyValue get(String key) {
            return items.get(new Str(key));
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /** A reference to an allowed global ({@code torch.float16}, {@code collections.OrderedDict}). */
    record Global(String module, String name) implements PyValue {
        public String qualifiedName() {
            return module + "." + name;
        }

        @Override
        public String toString() {
            return qualifiedName();
        }
    }

    /**
     * An inert instance of an allowed class (such as {@code argparse.Namespace}): the class, the
     * arguments it was built with and the state BUILD gave it. No method of it ever runs.
     */
    final class Instance implements PyValue {
        final Global type;
        final Tuple args;
        PyValue state = None.NONE;
        int depth;

        Instance(Global type, Tuple args) {
            this.type = type;
            this.args = args;
            this.depth = args.depth() + 1;
        }

        public Global type() {
            return type;
        }

        public Tuple args() {
            return args;
        }

        public PyValue state() {
            return state;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /**
     * A PyTorch storage: {@code numel} elements of {@code type} in the checkpoint's record
     * {@code data/<key>}, whose bytes (at least {@code numel} elements) are {@code data}.
     */
    record Storage(StorageType type, String key, String location, long numel, MemorySegment data) implements PyValue {
        @Override
        public String toString() {
            return "storage(" + type.className() + ", data/" + key + ", " + numel + " elements)";
        }
    }

    /** A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view of a storage. */
    record TensorRef(Storage storage, long storageOffset, long[] size, long[] stride) implements PyValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof TensorRef t && storage.equals(t.storage) && storageOffset == t.storageOffset
                    && Arrays.equals(size, t.size) && Arrays.equals(stride, t.stride);
        }

        @Override
        public int hashCode() {
            return storage.hashCode() * 31 + Arrays.hashCode(size);
        }

        @Override
        public String toString() {
            return "tensor(" + storage.type().dtypeName() + Arrays.toString(size) + ")";
        }
    }
}
