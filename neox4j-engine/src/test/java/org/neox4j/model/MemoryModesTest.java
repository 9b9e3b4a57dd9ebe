package org.neox4j.model;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neox4j.Neox4jException;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GgufFixtures;
import org.neox4j.testing.GoldenModel;

/** Every memory mode computes the same logits; resident mode refuses what cannot fit; stream mode needs room for a layer. */
class MemoryModesTest {

    private static float[] logits(NeoxModel model, int[] ids) {
        return model.network().forward(List.of(new GptNeoX.Chunk(model.network().newCache(16), ids)),
                ForwardOptions.ALL_LOGITS).logits();
    }

    @ParameterizedTest
    @ValueSource(strings = {"resident", "stream-1", "stream-2", "stream-all"})
    void sameLogitsInEveryMode(String mode) {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path file = GgufFixtures.gguf(golden.dir(), DType.F32);
            int[] ids = GoldenModel.ints(golden.testCase("len7").get("input_ids"));
            try (NeoxModel mmap = ModelLoader.load(file, LoadOptions.defaults().withThreads(1))) {
                long layer = mmap.weights().layers().getFirst().matrixBytes();
                long head = mmap.weights().embedOut().byteSize();
                LoadOptions options = switch (mode) {
                    case "resident" -> LoadOptions.defaults().withThreads(1).withMemory(MemoryMode.RESIDENT);
                    case "stream-1" -> LoadOptions.defaults().withThreads(1).withStreaming(Math.max(layer, head));
                    case "stream-2" -> LoadOptions.defaults().withThreads(1).withStreaming(2 * Math.max(layer, head));
                    default -> LoadOptions.defaults().withThreads(1).withStreaming(1L << 40);
                };
                try (NeoxModel other = ModelLoader.load(file, options)) {
                    assertTrue(other.memoryReport().startsWith(mode.replaceFirst("-.*", "")), other.memoryReport());
                    float[] expected = logits(mmap, ids);
                    // Equal up to float rounding: the Vector API's lane reductions may round differently
                    // before and after JIT compilation. Twice: the second pass reads released stages again.
                    Approx.assertClose(expected, logits(other, ids), 1e-5, mode);
                    Approx.assertClose(expected, logits(other, ids), 1e-5, mode + ", second pass");
                }
            }
        }
    }

    @Test
    void streamingFromSafetensorsShards() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia")) {
            Path dir = golden.dir().resolve("bf16-sharded");
            int[] ids = GoldenModel.ints(golden.testCase("len7").get("input_ids"));
            try (NeoxModel mmap = ModelLoader.load(dir, LoadOptions.defaults().withThreads(1));
                 NeoxModel stream = ModelLoader.load(dir, LoadOptions.defaults().withThreads(1)
                         .withStreaming(mmap.weights().embedOut().byteSize()))) {
                assertEquals(2, stream.store().mappedFiles().size(), "both shards' mappings are known for page-cache advice");
                Approx.assertClose(logits(mmap, ids), logits(stream, ids), 1e-5, "stream from bf16 shards");
            }
        }
    }

    @Test
    void residentModeCopiesEveryMatrixATokenReadsInFullAndMapsTheInputEmbedding() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
             NeoxModel model = ModelLoader.load(GgufFixtures.gguf(golden.dir(), DType.F32),
                     LoadOptions.defaults().withThreads(1).withMemory(MemoryMode.RESIDENT))) {
            MemorySegment mapping = model.store().mappedFiles().getFirst().mapping();
            ModelWeights w = model.weights();
            assertTrue(within(mapping, w.embedIn().data()), "the input embedding is read a row per token: it stays mapped");
            assertFalse(within(mapping, w.embedOut().data()), "the head is copied");
            for (LayerWeights layer : w.layers()) {
                for (Tensor matrix : List.of(layer.qkv(), layer.attnOut(), layer.mlpUp(), layer.mlpDown())) {
                    assertFalse(within(mapping, matrix.data()), matrix.name() + " is copied");
                }
            }
            assertTrue(model.memoryReport().startsWith("resident: " + StreamingResidency.gib(w.bytesPerToken())), model.memoryReport());
        }
    }

    private static boolean within(MemorySegment outer, MemorySegment inner) {
        return inner.address() >= outer.address() && inner.address() + inner.byteSize() <= outer.address() + outer.byteSize();
    }

    @Test
    void residentCopyIsRefusedWhenItCannotFit() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
             NeoxModel mapped = ModelLoader.load(GgufFixtures.gguf(golden.dir(), DType.F32), LoadOptions.defaults().withThreads(1))) {
            Neox4jException e = assertThrows(Neox4jException.class,
                    () -> ResidentWeights.copy(mapped.weights(), mapped.store().source(), OptionalLong.of(100L << 20)));
            assertTrue(e.getMessage().contains("--memory resident needs 0.01 GiB for the weights plus 0.50 GiB headroom,"
                    + " but only 0.10 GiB is available (MemAvailable); use --memory mmap"), e.getMessage());
        }
    }

    @Test
    void streamingBudgetMustHoldALayer() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path file = GgufFixtures.gguf(golden.dir(), DType.F32);
            Neox4jException e = assertThrows(Neox4jException.class,
                    () -> ModelLoader.load(file, LoadOptions.defaults().withThreads(1).withStreaming(4096)));
            assertTrue(e.getMessage().contains("--max-resident 0.00 GiB is smaller than one layer of this model"), e.getMessage());
        }
    }

    @Test
    void budgetOnlyWithStreaming() {
        assertThrows(IllegalArgumentException.class, () -> new LoadOptions(1, ModelPart.WHOLE, MemoryMode.MMAP, 1 << 20));
        assertEquals(0, LoadOptions.defaults().withStreaming(5).withMemory(MemoryMode.RESIDENT).maxResident());
    }
}
