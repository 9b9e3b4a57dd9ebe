package org.neox4j.format.pt;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.neox4j.tensor.Tensor;

/** Writes torch.save-style zip checkpoints for tests (stored entries, as PyTorch writes them). */
public final class PtFiles {
    private PtFiles() {
    }

    /** A zip of the given records (names relative to the archive directory {@code prefix}). */
    public static void writeZip(Path file, String prefix, Map<String, byte[]> records, boolean deflate) {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (var r : records.entrySet()) {
                ZipEntry e = new ZipEntry(prefix + r.getKey());
                byte[] data = r.getValue();
                if (deflate) {
                    e.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(data.length);
                    e.setCompressedSize(data.length);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(data);
                zip.closeEntry();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A checkpoint whose data.pkl is {@code pickle} and whose storages are {@code storages} (key → bytes). */
    public static void writeCheckpoint(Path file, byte[] pickle, Map<String, byte[]> storages) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", pickle);
        storages.forEach((k, v) -> records.put("data/" + k, v));
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        writeZip(file, "archive/", records, false);
    }

    /** A state-dict checkpoint (an OrderedDict of contiguous tensors, one storage each), as torch.save writes one. */
    public static void writeStateDict(Path file, Map<String, Tensor> tensors) {
        PickleBytes p = new PickleBytes().proto(2).global("collections", "OrderedDict").op(')').reduce().mark();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        int key = 0;
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            String storageClass = switch (t.dtype()) {
                case F16 -> "HalfStorage";
                case F32 -> "FloatStorage";
                case BF16 -> "BFloat16Storage";
                default -> throw new IllegalArgumentException(t.dtype().toString());
            };
            p.str(e.getKey()).tensor(storageClass, Integer.toString(key), t.elementCount(), 0, t.shape());
            storages.put(Integer.toString(key++), t.data().toArray(ValueLayout.JAVA_BYTE));
        }
        p.op('u').stop();
        writeCheckpoint(file, p.bytes(), storages);
    }
}
