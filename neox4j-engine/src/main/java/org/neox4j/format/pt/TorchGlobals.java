package org.neox4j.format.pt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.neox4j.format.FormatException;

/**
 * The {@link Pickle.Environment} of a PyTorch checkpoint: the only globals a pickle may name are
 * the containers, tensor-rebuild functions, storage classes and dtypes a state dict uses (plus
 * {@code argparse.Namespace} and sets, which DeepSpeed's engine state holds). Calls build inert
 * values; every other global or call is an error that names it. Nothing is ever executed.
 */
final class TorchGlobals implements Pickle.Environment {

    /** Resolves a storage persistent id ({@code ('storage', type, key, location, numel)}) to its bytes. */
    interface Storages {
        PyValue.Storage storage(StorageType type, String key, String location, long numel);
    }

    private static final Set<String> CALLABLES = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state",
            "torch.Size",
            "builtins.set",
            "builtins.frozenset",
            "_codecs.encode",
            "argparse.Namespace");

    private final String source;
    private final Storages storages;

    TorchGlobals(String source, Storages storages) {
        this.source = source;
        this.storages = storages;
    }

    @Override
    public PyValue global(String module, String name) {
        // Python 2 module names, as pickle's fix_imports maps them.
        String m = switch (module) {
            case "__builtin__" -> "builtins";
            case "copy_reg" -> "copyreg";
            default -> module;
        };
        if (CALLABLES.contains(m + "." + name)) {
            return new PyValue.Global(m, name);
        }
        if (m.equals("torch")) {
            if (StorageType.ofClass(name) != null || StorageType.isDtypeName(name)) {
                return new PyValue.Global(m, name);
            }
            if (name.endsWith("Storage")) {
                throw error("unsupported storage type 'torch." + name + "' (supported: "
                        + String.join(", ", List.of(StorageType.values()).stream().map(t -> "torch." + t.className()).toList()) + ")");
            }
        }
        throw error("global '" + m + "." + name + "' is not allowed: a PyTorch state dict needs only tensors, storages,"
                + " dtypes and containers, and neox4j refuses to reference anything else (the file may be malicious)");
    }

    @Override
    public PyValue reduce(PyValue callable, PyValue.Tuple args) {
        if (!(callable instanceof PyValue.Global g) || !CALLABLES.contains(g.qualifiedName())) {
            throw error("REDUCE (a call) on " + callable + ", which is not a callable neox4j allows");
        }
        return switch (g.qualifiedName()) {
            case "collections.OrderedDict" -> orderedDict(args);
            case "torch._utils._rebuild_tensor_v2" -> rebuildTensor(args, 6, 7);
            case "torch._utils._rebuild_tensor" -> rebuildTensor(args, 4, 4);
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (args.size() < 1 || !(args.get(0) instanceof PyValue.TensorRef t)) {
                    throw error(g + " needs a tensor as its first argument, got " + args);
                }
                yield t;
            }
            case "torch.Size" -> {
                if (args.size() != 1 || !(args.get(0) instanceof PyValue.Tuple t)) {
                    throw error("torch.Size needs one tuple, got " + args);
                }
                yield t;
            }
            case "builtins.set", "builtins.frozenset" -> set(args);
            case "_codecs.encode" -> encode(args);
            case "argparse.Namespace" -> new PyValue.Instance(g, args);
            default -> throw new IllegalStateException(g.qualifiedName());
        };
    }

    @Override
    public PyValue newObject(PyValue cls, PyValue.Tuple args) {
        if (cls instanceof PyValue.Global g) {
            switch (g.qualifiedName()) {
                case "argparse.Namespace" -> {
                    return new PyValue.Instance(g, args);
                }
                case "collections.OrderedDict" -> {
                    return new PyValue.PyDict();
                }
                case "builtins.set", "builtins.frozenset" -> {
                    return new PyValue.PyList();
                }
                default -> {
                }
            }
        }
        throw error("NEWOBJ (object creation) of " + cls + ", which is not a class neox4j allows");
    }

    @Override
    public PyValue persistentLoad(PyValue pid) {
        if (pid instanceof PyValue.Tuple t && t.size() == 5 && t.get(0).equals(new PyValue.Str("storage"))
                && t.get(1) instanceof PyValue.Global type && t.get(2) instanceof PyValue.Str key
                && t.get(3) instanceof PyValue.Str location && t.get(4) instanceof PyValue.Int numel) {
            StorageType storageType = type.module().equals("torch") ? StorageType.ofClass(type.name()) : null;
            if (storageType == null) {
                throw error("persistent id names " + type + ", which is not a storage type");
            }
            if (numel.value() < 0) {
                throw error("storage data/" + key.value() + " has a negative size " + numel.value());
            }
            return storages.storage(storageType, key.value(), location.value(), numel.value());
        }
        throw error("unsupported persistent id " + pid + " (expected ('storage', torch.<Type>Storage, key, location, numel))");
    }

    private PyValue orderedDict(PyValue.Tuple args) {
        PyValue.PyDict dict = new PyValue.PyDict();
        if (args.size() == 0) {
            return dict;
        }
        throw error("collections.OrderedDict with arguments " + args + " is not supported (torch.save writes it empty)");
    }

    private PyValue set(PyValue.Tuple args) {
        PyValue.PyList set = new PyValue.PyList();
        if (args.size() == 0) {
            return set;
        }
        if (args.size() == 1 && args.get(0) instanceof PyValue.PyList items && items.depth <= Pickle.MAX_DEPTH - 1) {
            set.items.addAll(items.items);
            set.depth = items.depth;
            return set;
        }
        throw error("set() needs a list, got " + args);
    }

    private PyValue encode(PyValue.Tuple args) {
        // Protocol 2 pickles bytes as _codecs.encode(text, 'latin1').
        if (args.size() == 2 && args.get(0) instanceof PyValue.Str text && args.get(1) instanceof PyValue.Str enc
                && (enc.value().equals("latin1") || enc.value().equals("latin-1"))) {
            return new PyValue.Bytes(text.value().getBytes(StandardCharsets.ISO_8859_1));
        }
        throw error("_codecs.encode is allowed only as encode(text, 'latin1'), got " + args);
    }

    private PyValue rebuildTensor(PyValue.Tuple args, int minArgs, int maxArgs) {
        if (args.size() < minArgs || args.size() > maxArgs) {
            throw error("tensor rebuild takes " + minArgs + (minArgs == maxArgs ? "" : " or " + maxArgs) + " arguments, got " + args.size());
        }
        if (!(args.get(0) instanceof PyValue.Storage storage)) {
            throw error("tensor rebuild needs a storage, got " + args.get(0));
        }
        if (!(args.get(1) instanceof PyValue.Int offset) || offset.value() < 0) {
            throw error("tensor storage offset must be a non-negative integer, got " + args.get(1));
        }
        long[] size = longs(args.get(2), "size");
        long[] stride = longs(args.get(3), "stride");
        if (size.length != stride.length) {
            throw error("tensor size " + args.get(2) + " and stride " + args.get(3) + " differ in length");
        }
        return new PyValue.TensorRef(storage, offset.value(), size, stride);
    }

    private long[] longs(PyValue v, String what) {
        if (!(v instanceof PyValue.Tuple t) || t.size() > 64) {
            throw error("tensor " + what + " must be a tuple of at most 64 integers, got " + v);
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof PyValue.Int n) || n.value() < 0) {
                throw error("tensor " + what + " must hold non-negative integers, got " + v);
            }
            out[i] = n.value();
        }
        return out;
    }

    private FormatException error(String message) {
        return new FormatException(source + ": " + message);
    }
}
