package org.neox4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.neox4j.ProgressListener;
import org.neox4j.convert.GgufExporter;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.LoadOptions;
import org.neox4j.tensor.DType;

/** Golden models converted to GGUF by neox4j's exporter, once per test run, in a temporary directory. */
public final class GgufFixtures {
    private static final Map<String, Path> CACHE = new HashMap<>();
    private static Path dir;

    private GgufFixtures() {
    }

    /** The golden model directory {@code hfDir} written as GGUF with {@code dtype} matrices. */
    public static synchronized Path gguf(Path hfDir, DType dtype) {
        String key = hfDir + "|" + dtype;
        Path cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("neox4j-gguf");
                dir.toFile().deleteOnExit();
            }
            Path out = dir.resolve(hfDir.getParent().getFileName() + "-" + hfDir.getFileName() + "-" + dtype.cliName() + ".gguf");
            try (LanguageModel lm = LanguageModel.load(hfDir, LoadOptions.defaults().withThreads(1))) {
                GgufExporter.export(lm, dtype, out, ProgressListener.NONE);
            }
            out.toFile().deleteOnExit();
            CACHE.put(key, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
