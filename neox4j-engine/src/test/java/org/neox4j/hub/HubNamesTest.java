package org.neox4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Repository ids, file names, patterns and pull options: what is accepted and what is refused. */
class HubNamesTest {
    @Test
    void repoIdsFollowTheHubRules() {
        for (String good : new String[] {"EleutherAI/pythia-160m", "databricks/dolly-v2-3b", "a/b", "org_1/model.v2"}) {
            assertEquals(good, RepoId.parse(good).toString());
        }
        for (String bad : new String[] {"pythia-160m", "a/b/c", "/b", "a/", "a--b/c", "a/b..c", "-a/b", "a/b.", "a b/c", "../x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RepoId.parse(bad), bad);
            assertTrue(e.getMessage().contains("ORG/NAME"), e.getMessage());
        }
        assertEquals("models--EleutherAI--gpt-neox-20b", RepoId.parse("EleutherAI/gpt-neox-20b").folderName());
    }

    @Test
    void fileNamesThatEscapeTheSnapshotAreRefused() {
        String sha1 = "0123456789abcdef0123456789abcdef01234567";
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a\\b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FileEntry(bad, 1, sha1, null), bad);
            assertTrue(e.getMessage().contains("unsafe file name"), e.getMessage());
        }
        assertEquals("b.json", new FileEntry("a/b.json", 1, sha1, null).fileName());
        assertThrows(IllegalArgumentException.class, () -> new FileEntry("x", 1, null, null), "a file without hash cannot be verified");
        assertThrows(IllegalArgumentException.class, () -> new FileEntry("x", 1, "not-hex", null));
    }

    @Test
    void globsMatchLikeFnmatch() {
        assertTrue(Glob.matches("*.safetensors", "model-00001-of-00002.safetensors"));
        assertTrue(Glob.matches("*.safetensors", "sub/model.safetensors"), "'*' crosses '/' as in fnmatch");
        assertFalse(Glob.matches("*.safetensors", "model.safetensors.index.json"));
        assertTrue(Glob.matches("config.json", "config.json"));
        assertFalse(Glob.matches("config.json", "configXjson"), "'.' is literal");
        assertTrue(Glob.matches("model-0000?-of-*.safetensors", "model-00003-of-00046.safetensors"));
        assertTrue(Glob.matches("[mt]*.json", "tokenizer.json"));
        assertFalse(Glob.matches("[!mt]*.json", "tokenizer.json"));
        assertTrue(Glob.matches("onnx/", "onnx/model.onnx"), "a trailing '/' means everything below");
        assertTrue(Glob.matches("a[", "a["), "an unclosed '[' is literal");
    }

    @Test
    void pullDefaultsAndExcludes() {
        Pull pull = Pull.of("EleutherAI/pythia-160m");

        assertEquals("main", pull.revision());
        assertTrue(pull.usesDefaultIncludes());
        for (String wanted : List.of("config.json", "tokenizer.json", "model.safetensors", "model-00001-of-00046.safetensors",
                "model.safetensors.index.json", "generation_config.json", "special_tokens_map.json", "tokenizer_config.json")) {
            assertTrue(pull.wants(wanted), wanted);
        }
        for (String unwanted : List.of("pytorch_model.bin", "pytorch_model-00001-of-00002.bin", "README.md", ".gitattributes")) {
            assertFalse(pull.wants(unwanted), unwanted);
        }
        assertFalse(pull.withIncludes(List.of("*")).wants("pytorch_model.bin"), "pickles are excluded whatever the includes");
        assertTrue(pull.withIncludes(List.of("*")).wants("README.md"));
        assertThrows(IllegalArgumentException.class, () -> pull.withRevision("../main"));
    }
}
