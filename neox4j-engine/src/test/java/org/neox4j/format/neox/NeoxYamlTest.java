package org.neox4j.format.neox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.model.ConfigException;
import org.neox4j.testing.Golden;

class NeoxYamlTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheJsonLikeStyleWithCommentsTrailingCommasAndPythonLiterals() {
        Map<String, Object> m = NeoxYaml.parse("""
                # header comment
                {
                  # a comment line
                  "num_layers": 44,   # trailing comment
                  "rotary_pct": 0.25,
                  "lr": 0.97e-4,
                  "eps": 1.0e-05,
                  "yaml11_string_float": 1e-05,
                  "flag": True, "off": false, "nothing": None,
                  'single': 'it''s',
                  "escaped": "a\\"b\\u0041",
                  "split": "995,4,1",
                  "betas": [0.9, 0.95,],
                  "attention_config": [[["global"], 44]],
                  "zero": {
                  "stage": 1,
                  "overlap_comm": True,
                  },
                  plain_key: plain value,
                  "keys_only": {"test_others"},
                  "tensorboard-dir": "./tensorboard",
                }
                """, "test.yml");
        assertEquals(44L, m.get("num_layers"));
        assertEquals(0.25, m.get("rotary_pct"));
        assertEquals(0.97e-4, m.get("lr"));
        assertEquals(1.0e-5, m.get("eps"));
        assertEquals(1.0e-5, m.get("yaml11_string_float"));
        assertEquals(true, m.get("flag"));
        assertEquals(false, m.get("off"));
        assertTrue(m.containsKey("nothing"));
        assertNull(m.get("nothing"));
        assertEquals("it's", m.get("single"));
        assertEquals("a\"bA", m.get("escaped"));
        assertEquals("995,4,1", m.get("split"));
        assertEquals(List.of(0.9, 0.95), m.get("betas"));
        assertEquals(List.of(List.of(List.of("global"), 44L)), m.get("attention_config"));
        assertEquals(Map.of("stage", 1L, "overlap_comm", true), m.get("zero"));
        assertEquals("plain value", m.get("plain_key"));
        assertTrue(((Map<?, ?>) m.get("keys_only")).containsKey("test_others"));
        assertEquals("./tensorboard", m.get("tensorboard-dir"));
    }

    @Test
    void readsBlockStyle() {
        Map<String, Object> m = NeoxYaml.parse("""
                num_layers: 2   # comment
                pos_emb: rotary
                fp16:
                  enabled: true
                  loss_scale: 0
                betas: [0.9, 0.95]
                list:
                - a
                - "b # not a comment"
                nested:
                  - name: x
                    size: 3
                  - 7
                empty:
                url: http://example.org/a#b
                """, "block.yml");
        assertEquals(2L, m.get("num_layers"));
        assertEquals("rotary", m.get("pos_emb"));
        assertEquals(Map.of("enabled", true, "loss_scale", 0L), m.get("fp16"));
        assertEquals(List.of(0.9, 0.95), m.get("betas"));
        assertEquals(List.of("a", "b # not a comment"), m.get("list"));
        assertEquals(List.of(Map.of("name", "x", "size", 3L), 7L), m.get("nested"));
        assertTrue(m.containsKey("empty"));
        assertNull(m.get("empty"));
        assertEquals("http://example.org/a#b", m.get("url"));
    }

    @Test
    void readsTheGoldenConfig() {
        Map<String, Object> m = NeoxYaml.read(Golden.model("tiny-parallel").resolve("neox-native/configs/tiny-parallel.yml"));
        assertEquals(2L, m.get("num_layers"));
        assertEquals(1.0e-5, m.get("layernorm_epsilon"));
        assertEquals(true, ((Map<?, ?>) m.get("zero_optimization")).get("overlap_comm"));
        assertEquals("HFTokenizer", m.get("tokenizer_type"));
        assertEquals("./tensorboard", m.get("tensorboard-dir"));
    }

    @Test
    void errorsNameTheFileLineAndColumn() {
        String missingComma = assertThrows(ConfigException.class, () -> NeoxYaml.parse("{\n  \"a\": 1\n  \"b\": 2\n}", "x.yml")).getMessage();
        assertEquals("x.yml:3:3: expected ',' or '}' after the value of 'a'", missingComma);
        String unterminated = assertThrows(ConfigException.class, () -> NeoxYaml.parse("{\"a\": \"open", "x.yml")).getMessage();
        assertTrue(unterminated.startsWith("x.yml:1:") && unterminated.endsWith("unterminated string"), unterminated);
        String deep = assertThrows(ConfigException.class, () -> NeoxYaml.parse("{\"a\": " + "[".repeat(10_000), "x.yml")).getMessage();
        assertTrue(deep.endsWith("nested more than 100 deep"), deep);
        String indent = assertThrows(ConfigException.class, () -> NeoxYaml.parse("a: 1\n   b: 2\n", "x.yml")).getMessage();
        assertEquals("x.yml:2:4: unexpected indentation", indent);
    }

    @Test
    void mergesFilesLikeGptNeox() throws Exception {
        Path model = Files.writeString(tmp.resolve("model.yml"), "{\"num-layers\": 2, \"hidden_size\": 64}");
        Path setup = Files.writeString(tmp.resolve("setup.yml"), "{\"vocab-file\": \"tok.json\"}");
        Map<String, Object> merged = NeoxYaml.readAll(List.of(model, setup));
        assertEquals(Map.of("num_layers", 2L, "hidden_size", 64L, "vocab_file", "tok.json"), merged);
        Path clash = Files.writeString(tmp.resolve("clash.yml"), "{\"num_layers\": 4}");
        String message = assertThrows(ConfigException.class, () -> NeoxYaml.readAll(List.of(model, clash))).getMessage();
        assertEquals(clash + ": key 'num_layers' is also set by " + model + " (GPT-NeoX refuses duplicate keys across config files)", message);
    }
}
