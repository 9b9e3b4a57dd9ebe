package org.neox4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.MemoryMode;
import org.neox4j.os.MemoryInfo;
import org.neox4j.os.UserCache;
import picocli.CommandLine.Option;

/** The memory mode options of every command that loads a model (see docs/MEMORY.md), and --verbose reporting. */
final class MemoryOptions {
    @Option(names = "--memory", paramLabel = "MODE", defaultValue = "mmap",
            description = {"How weights occupy memory: mmap (default: mapped, the OS pages them in and out),",
                "resident (copied into RAM at load; refused up front if it cannot fit), or stream (read layer by layer",
                "ahead of the computation and released behind it, within --max-resident)."})
    MemoryMode memory;

    @Option(names = "--max-resident", paramLabel = "SIZE",
            description = "With --memory stream: the most weight bytes resident at once, e.g. 8G, 512M (default: a quarter of"
                    + " the available memory).")
    String maxResident;

    @Option(names = "--no-repack",
            description = {"Keep Q4_0 weights held in RAM (resident or converted at load) in GGML's row layout instead of",
                "regrouping them for the faster decode kernel, which also quantizes activations to 8 bits as llama.cpp does."})
    boolean noRepack;

    @Option(names = "--repack-cache", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
            description = {"With --memory mmap: regroup the Q4_0 matrices for the faster decode kernel once, into a file in DIR",
                "(default: $NEOX4J_CACHE/repacked or ~/.cache/neox4j/repacked), and map that file at this and later loads:",
                "the decode speed of --memory resident with the memory and start-up time of mapping. The file is as large as",
                "the model's Q4_0 matrices; a changed model file gets a new one in place of the old."})
    String repackCache;

    @Option(names = {"-v", "--verbose"}, description = "Report load time, what the memory mode keeps resident and peak RSS on stderr.")
    boolean verbose;

    /** {@code options} with the memory mode and budget given on the command line. */
    LoadOptions apply(LoadOptions options) {
        LoadOptions result = options.withMemory(memory).withRepack(!noRepack);
        if (verbose || ProgressBar.stderrIsTerminal()) {
            result = result.withProgress(ProgressBar.bytes(new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
        }
        if (repackCache != null) {
            if (memory != MemoryMode.MMAP || noRepack) {
                throw new IllegalArgumentException("--repack-cache applies to --memory mmap (the default), without --no-repack");
            }
            result = result.withRepackCache(repackCache.isEmpty() ? UserCache.root().resolve("repacked") : Path.of(repackCache));
        }
        if (maxResident != null) {
            if (memory != MemoryMode.STREAM) {
                throw new IllegalArgumentException("--max-resident applies to --memory stream only");
            }
            try {
                result = result.withStreaming(Sizes.parse(maxResident));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--max-resident: " + e.getMessage());
            }
        }
        return result;
    }

    /** With --verbose: a line on stderr. */
    void report(String message) {
        if (verbose) {
            System.err.println("neox4j: " + message);
        }
    }

    /** With --verbose: the process's peak and current resident memory. */
    void reportPeakMemory() {
        MemoryInfo.residentPeak().ifPresent(peak -> report("peak RSS " + Sizes.human(peak) + " (VmHWM); weights resident now "
                + Sizes.human(MemoryInfo.residentFile().orElse(0)) + " (RssFile)"));
    }
}
