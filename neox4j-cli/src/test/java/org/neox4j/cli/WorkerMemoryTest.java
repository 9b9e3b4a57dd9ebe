package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.cluster.Coordinator;
import org.neox4j.cluster.Endpoint;
import org.neox4j.cluster.PipelineOptions;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.KvCache;
import org.neox4j.model.LoadOptions;
import org.neox4j.testing.SyntheticModel;

/**
 * A worker maps only its layers: on a 210 MB synthetic model, a worker of 2 of 8 layers that has
 * served requests has its share of the weights file resident and no more, read from its own
 * memory map in /proc/PID/smaps (page-cache pages of other layers do not count: they are not in
 * its map). The rest of its resident set (VmRSS, printed) is the JVM's, whatever the model size.
 */
@Timeout(300)
class WorkerMemoryTest {
    private static final SyntheticModel.Shape SHAPE = new SyntheticModel.Shape(2048, 1024, 8, 16, 4096, 256);

    @TempDir
    Path dir;

    @Test
    void aWorkersResidentWeightsAreItsShare() throws Exception {
        Path model = SyntheticModel.write(dir.resolve("model"), SHAPE);
        Path weights = model.resolve("model.safetensors").toRealPath();
        long fileBytes = Files.size(weights);
        long share = 2 * SHAPE.layerBytes();
        int port = PipelineProcessTest.freePort();
        try (ChildJvm worker = ChildJvm.start(dir, "worker", "worker", "--model", model.toString(), "--layers", "6-8",
                "--listen", "127.0.0.1:" + port, "-t", "1")) {
            worker.awaitErr("serving layers", Duration.ofSeconds(90));
            long idle = residentBytesOf(worker.pid(), weights);
            try (LanguageModel lm = Coordinator.open(model, LoadOptions.defaults().withThreads(1),
                    List.of(new Endpoint("127.0.0.1", port)), PipelineOptions.defaults())) {
                KvCache cache = lm.network().newCache(16);
                lm.network().forward(cache, new int[] {1, 2, 3, 4, 5, 6, 7, 8});
                lm.network().release(cache);
            }
            long served = residentBytesOf(worker.pid(), weights);
            long vmRss = statusBytes(worker.pid(), "VmRSS");
            long anon = statusBytes(worker.pid(), "RssAnon");
            System.out.printf("worker memory: weights file %.1f MB, its share (layers 6-8 of 8) %.1f MB; resident from the file:"
                    + " %.1f MB after loading, %.1f MB after serving; VmRSS %.1f MB (RssAnon %.1f MB: heap, JIT, gRPC buffers)%n",
                    mb(fileBytes), mb(share), mb(idle), mb(served), mb(vmRss), mb(anon));
            assertTrue(idle < fileBytes / 50, "loading touches only headers and the share's small vectors: " + mb(idle) + " MB");
            assertTrue(served >= share * 0.9, "the share's weights were read: " + mb(served) + " MB");
            assertTrue(served <= share * 1.05 + (4 << 20), "no more than the share is resident: " + mb(served) + " MB of "
                    + mb(share) + " MB");
        }
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }

    /** Resident bytes of {@code file}'s mappings in process {@code pid}: the Rss lines of its entries in smaps. */
    static long residentBytesOf(long pid, Path file) throws IOException {
        long total = 0;
        boolean inFile = false;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inFile = line.endsWith(file.toString());
            } else if (inFile && line.startsWith("Rss:")) {
                total += kilobytes(line) * 1024;
            }
        }
        return total;
    }

    /** A "KEY: N kB" line of /proc/PID/status, in bytes. */
    static long statusBytes(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                return kilobytes(line) * 1024;
            }
        }
        throw new IOException("no " + key + " in /proc/" + pid + "/status");
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
