package org.neox4j.format.neox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.neox4j.format.FormatException;

/**
 * Where the files of a GPT-NeoX pipeline checkpoint are: the {@code .yml} configs, the step
 * directory named by {@code latest}, and the {@code layer_II-model_RR-model_states.pt} file of
 * every (pipeline layer, tensor-parallel rank).
 *
 * @param layerFiles pipeline layer index → the file of each rank found (index = rank, null where missing)
 */
record NeoxLayout(Path root, List<Path> configFiles, Path stepDir, SortedMap<Integer, List<Path>> layerFiles) {

    private static final Pattern LAYER_FILE = Pattern.compile("layer_(\\d{2,4})-model_(\\d{2,4})-model_states\\.pt");
    private static final Pattern STEP_DIR = Pattern.compile("global_step\\d+");

    /** True when {@code dir} holds a step directory with layer files (cheap: lists two directories). */
    static boolean looksLike(Path dir) {
        try {
            Path step = stepDir(dir);
            try (Stream<Path> files = Files.list(step)) {
                return files.anyMatch(f -> LAYER_FILE.matcher(f.getFileName().toString()).matches());
            }
        } catch (FormatException | IOException | UncheckedIOException e) {
            return false;
        }
    }

    static NeoxLayout find(Path root) {
        if (!Files.isDirectory(root)) {
            throw new FormatException(root + ": not a directory");
        }
        Path step = stepDir(root);
        SortedMap<Integer, List<Path>> layers = new TreeMap<>();
        boolean sequential = false;
        for (Path f : list(step)) {
            String name = f.getFileName().toString();
            Matcher m = LAYER_FILE.matcher(name);
            if (m.matches()) {
                int index = Integer.parseInt(m.group(1));
                int rank = Integer.parseInt(m.group(2));
                List<Path> ranks = layers.computeIfAbsent(index, i -> new ArrayList<>());
                while (ranks.size() <= rank) {
                    ranks.add(null);
                }
                ranks.set(rank, f);
            } else if (name.matches("mp_rank_\\d+_model_states\\.pt")) {
                sequential = true;
            }
        }
        if (layers.isEmpty()) {
            throw new FormatException(step + (sequential
                    ? ": holds only mp_rank_XX_model_states.pt files: a sequential (pipe_parallel_size 0) checkpoint,"
                            + " which neox4j does not read; it reads pipeline checkpoints (layer_XX-model_YY-model_states.pt)"
                    : ": no layer_XX-model_YY-model_states.pt files: not a GPT-NeoX pipeline checkpoint"));
        }
        return new NeoxLayout(root, configFiles(root), step, layers);
    }

    /** The step directory: the one {@code latest} names, else the only {@code global_stepN}. */
    private static Path stepDir(Path root) {
        Path latest = root.resolve("latest");
        if (Files.isRegularFile(latest)) {
            String tag;
            try {
                tag = Files.readString(latest).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(latest + ": cannot read: " + e.getMessage(), e);
            }
            if (tag.isEmpty() || tag.contains("/") || tag.contains("\\") || tag.startsWith(".")) {
                throw new FormatException(latest + ": '" + tag + "' is not a checkpoint directory name");
            }
            Path step = root.resolve(tag);
            if (!Files.isDirectory(step)) {
                throw new FormatException(latest + " names " + tag + ", but " + step + " does not exist");
            }
            return step;
        }
        List<Path> steps = list(root).stream().filter(p -> Files.isDirectory(p) && STEP_DIR.matcher(p.getFileName().toString()).matches()).toList();
        if (steps.size() == 1) {
            return steps.getFirst();
        }
        throw new FormatException(root + (steps.isEmpty() ? ": no 'latest' file and no global_stepN directory: not a GPT-NeoX checkpoint"
                : ": no 'latest' file to choose among " + steps.stream().map(p -> p.getFileName().toString()).toList()));
    }

    /** {@code configs/*.yml} (or {@code *.yml} beside the checkpoint), sorted by name. */
    private static List<Path> configFiles(Path root) {
        for (Path dir : List.of(root.resolve("configs"), root)) {
            if (Files.isDirectory(dir)) {
                List<Path> ymls = list(dir).stream().filter(p -> {
                    String n = p.getFileName().toString();
                    return Files.isRegularFile(p) && (n.endsWith(".yml") || n.endsWith(".yaml"));
                }).toList();
                if (!ymls.isEmpty()) {
                    return ymls;
                }
            }
        }
        throw new FormatException(root + ": no GPT-NeoX config (.yml) in " + root.resolve("configs") + " or beside the checkpoint");
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that exactly the files of {@code expected} pipeline indices exist for ranks
     * {@code 0..tpSize-1}; names the first missing or unexpected file.
     */
    void checkFiles(List<Integer> expected, int tpSize, String why) {
        for (int index : expected) {
            List<Path> ranks = layerFiles.getOrDefault(index, List.of());
            for (int r = 0; r < tpSize; r++) {
                if (r >= ranks.size() || ranks.get(r) == null) {
                    throw new FormatException("missing rank file " + stepDir.resolve(fileName(index, r)) + " (" + why + ")");
                }
            }
        }
        for (var e : layerFiles.entrySet()) {
            List<Path> ranks = e.getValue();
            for (int r = 0; r < ranks.size(); r++) {
                if (ranks.get(r) != null && (!expected.contains(e.getKey()) || r >= tpSize)) {
                    throw new FormatException("unexpected file " + ranks.get(r) + " (" + why + ")");
                }
            }
        }
    }

    Path file(int index, int rank) {
        return layerFiles.get(index).get(rank);
    }

    static String fileName(int index, int rank) {
        return String.format("layer_%02d-model_%02d-model_states.pt", index, rank);
    }
}
