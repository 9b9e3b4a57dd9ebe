package org.neox4j.format.pt;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.neox4j.format.FormatException;
import org.neox4j.tensor.Tensor;

/**
 * A {@code torch.save} checkpoint file read safely: the zip is memory-mapped by {@link PtZip},
 * {@code data.pkl} is read by the restricted {@link Pickle} with {@link TorchGlobals}, and each
 * tensor becomes a view of its storage's bytes in the mapping (no copy). Non-tensor values stay
 * available as inert {@link PyValue}s through {@link #root()}.
 */
public final class PtCheckpoint implements AutoCloseable {
    private final PtZip zip;
    private final PyValue root;

    private PtCheckpoint(PtZip zip, PyValue root) {
        this.zip = zip;
        this.root = root;
    }

    public static PtCheckpoint open(Path path) {
        PtZip zip = PtZip.open(path);
        try {
            PtZip.Entry pickle = zip.record("data.pkl").orElseThrow();
            Map<String, PyValue.Storage> storages = new HashMap<>();
            TorchGlobals env = new TorchGlobals(path.toString(),
                    (type, key, location, numel) -> {
                        PyValue.Storage seen = storages.get(key);
                        if (seen == null) {
                            seen = storage(zip, type, key, location, numel);
                            storages.put(key, seen);
                        } else if (seen.type() != type || seen.numel() != numel) {
                            throw new FormatException(path + ": storage data/" + key + " is referenced both as " + seen
                                    + " and as " + type.className() + " of " + numel + " elements");
                        }
                        return seen;
                    });
            PyValue root = Pickle.load(zip.readSmall(pickle), env, path.toString());
            return new PtCheckpoint(zip, root);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static PyValue.Storage storage(PtZip zip, StorageType type, String key, String location, long numel) {
        if (key.isEmpty() || key.contains("/") || key.contains("\\") || key.startsWith(".")) {
            throw new FormatException(zip.path() + ": storage key '" + key + "' is not a record name");
        }
        PtZip.Entry entry = zip.record("data/" + key).orElseThrow(() -> new FormatException(
                zip.path() + ": storage record '" + zip.prefix() + "data/" + key + "' is missing from the archive"));
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, (long) type.elementSize());
        } catch (ArithmeticException e) {
            throw new FormatException(zip.path() + ": storage data/" + key + " of " + numel + " elements is too large");
        }
        if (entry.size() < bytes) {
            throw new FormatException(zip.path() + ": storage data/" + key + " holds " + entry.size() + " bytes but "
                    + numel + " " + type.dtypeName() + " elements need " + bytes + ": file truncated or corrupt");
        }
        MemorySegment data = zip.read(entry).asSlice(0, bytes);
        return new PyValue.Storage(type, key, location, numel, data);
    }

    public Path path() {
        return zip.path();
    }

    /** The unpickled object: for a layer file, the state dict. */
    public PyValue root() {
        return root;
    }

    /** The tensors of the top-level dict by key, in file order; other entries are left out. */
    public Map<String, PyValue.TensorRef> tensorRefs() {
        if (!(root instanceof PyValue.PyDict dict)) {
            throw new FormatException(path() + ": expected a state dict, found " + root);
        }
        Map<String, PyValue.TensorRef> out = new LinkedHashMap<>();
        for (var e : dict.items.entrySet()) {
            if (e.getKey() instanceof PyValue.Str name && e.getValue() instanceof PyValue.TensorRef t) {
                out.put(name.value(), t);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Every tensor of the top-level dict as an engine tensor (views of the mapped file), in file order. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensorRefs().forEach((name, ref) -> out.put(name, toTensor(name, ref)));
        return Collections.unmodifiableMap(out);
    }

    /** The engine tensor named {@code name} in the state dict: a view of the mapped file. */
    public Tensor tensor(String name) {
        PyValue.TensorRef ref = tensorRefs().get(name);
        if (ref == null) {
            throw new FormatException(path() + ": no tensor '" + name + "'");
        }
        return toTensor(name, ref);
    }

    /** A tensor view of {@code ref}; it must be contiguous and of a dtype the engine stores (F32, F16, BF16). */
    public Tensor toTensor(String name, PyValue.TensorRef ref) {
        String where = path() + ": tensor '" + name + "'";
        StorageType type = ref.storage().type();
        if (type.engineType() == null) {
            throw new FormatException(where + " has dtype " + type.dtypeName() + " (torch." + type.className()
                    + "), which cannot be used as weights (supported: float32, float16, bfloat16)");
        }
        long[] size = ref.size();
        long[] stride = ref.stride();
        long numel = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != numel) {
                throw new FormatException(where + " is not contiguous (size " + Arrays.toString(size) + ", stride "
                        + Arrays.toString(stride) + "); neox4j reads tensors as torch.save writes state dicts");
            }
            try {
                numel = Math.multiplyExact(numel, size[i]);
            } catch (ArithmeticException e) {
                throw new FormatException(where + " has too many elements " + Arrays.toString(size));
            }
        }
        long offset = ref.storageOffset();
        if (offset > ref.storage().numel() || numel > ref.storage().numel() - offset) {
            throw new FormatException(where + " (" + numel + " elements at offset " + offset + ") lies outside its storage data/"
                    + ref.storage().key() + " of " + ref.storage().numel() + " elements");
        }
        int es = type.elementSize();
        MemorySegment data = ref.storage().data().asSlice(offset * es, numel * es);
        return new Tensor(name, type.engineType(), size, data);
    }

    @Override
    public void close() {
        zip.close();
    }
}
