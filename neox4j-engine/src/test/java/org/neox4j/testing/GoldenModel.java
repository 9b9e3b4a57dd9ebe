package org.neox4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.tensor.Tensor;

/** One golden model: its directory, {@code cases.json} and the tensors of {@code expected.safetensors}. */
public final class GoldenModel implements AutoCloseable {
    private final String name;
    private final Path dir;
    private final JsonNode cases;
    private final SafetensorsFile expected;

    private GoldenModel(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        try {
            this.cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
    }

    /** Opens a golden model by name, skipping the test when its data is absent. */
    public static GoldenModel open(String name) {
        return new GoldenModel(name, Golden.model(name));
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    public JsonNode cases() {
        return cases;
    }

    /** The case named {@code len1}, {@code len7} or {@code len33}. */
    public JsonNode testCase(String caseName) {
        for (JsonNode c : cases.get("cases")) {
            if (c.get("name").asText().equals(caseName)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name + " has no case " + caseName);
    }

    public boolean hasTensor(String tensor) {
        return expected.names().contains(tensor);
    }

    public float[] tensor(String tensor) {
        return expected.get(tensor).toFloatArray();
    }

    public long[] shape(String tensor) {
        Tensor t = expected.get(tensor);
        return t.shape();
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Override
    public void close() {
        expected.close();
    }
}
