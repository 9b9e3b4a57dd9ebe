package org.neox4j.format.neox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.neox4j.ProgressListener;
import org.neox4j.format.safetensors.SafetensorsWriter;
import org.neox4j.os.UserCache;

/**
 * A converted copy of a GPT-NeoX checkpoint, made once and reused: the Hugging Face directory
 * {@link NeoxConverter} writes, kept under {@code <cache>/neox/<name>-<fingerprint>}. The
 * fingerprint covers the checkpoint's path and the names, sizes and modification times of its
 * files, so a changed checkpoint is converted again. The cache root is {@code -Dneox4j.cache},
 * else {@code $NEOX4J_CACHE}, else {@code ~/.cache/neox4j}.
 */
public final class NeoxCache {
    private NeoxCache() {
    }

    public static Path root() {
        return UserCache.root();
    }

    /** Where the converted copy of {@code checkpointDir} lives (whether or not it exists yet). */
    public static Path location(Path checkpointDir) {
        Path dir = checkpointDir.toAbsolutePath().normalize();
        String name = dir.getFileName() == null ? "model" : dir.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return root().resolve("neox").resolve(name + "-" + fingerprint(dir));
    }

    /**
     * The Hugging Face copy of {@code checkpointDir}, converting it first when there is none yet
     * (reporting to {@code progress}). The copy is built beside its final place and renamed into
     * it, so an interrupted conversion leaves nothing that looks complete.
     */
    public static Path prepare(Path checkpointDir, ProgressListener progress) {
        Path target = location(checkpointDir);
        if (Files.isRegularFile(target.resolve("config.json"))) {
            return target;
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try (NeoxCheckpoint checkpoint = NeoxCheckpoint.open(checkpointDir)) {
            deleteTree(partial);
            NeoxConverter.toHuggingFace(checkpoint, partial, SafetensorsWriter.DEFAULT_MAX_SHARD_BYTES, progress);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isRegularFile(target.resolve("config.json"))) { // not another process's finished copy
                    throw e;
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write the converted model: " + e.getMessage(), e);
        } finally {
            deleteTree(partial);
        }
    }

    private static String fingerprint(Path dir) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(dir.toString().getBytes(StandardCharsets.UTF_8));
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.walk(dir, 3)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            for (Path f : files) {
                String line = "\n" + dir.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis();
                sha.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete: " + e.getMessage(), e);
        }
    }
}
