package org.neox4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.neox4j.hub.Hub;
import org.neox4j.hub.HubSettings;
import org.neox4j.hub.Pull;
import org.neox4j.hub.PullResult;
import org.neox4j.hub.RepoId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code neox4j pull ORG/NAME}: fetches a model from the Hugging Face hub into its cache and prints where it is. */
@Command(
        name = "pull",
        header = "Download a model from the Hugging Face hub into its shared cache.",
        mixinStandardHelpOptions = true,
        description = {
            "Download a model from the Hugging Face hub into the hub cache shared with Python tools"
                    + " ($HF_HOME/hub), and print its snapshot directory (usable as --model).",
            "Interrupted downloads resume; files are verified against the hub's sha256 before use;"
                    + " files already in the cache are not downloaded again.",
        },
        footer = {
            "",
            "Environment: HF_ENDPOINT (hub URL), HF_HOME / HF_HUB_CACHE (cache location), HF_TOKEN (access token,"
                    + " else $HF_HOME/token) for gated or private models, HF_HUB_OFFLINE=1 (cache only).",
            "Example: neox4j pull EleutherAI/pythia-160m --revision step143000",
        })
final class PullCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ORG/NAME", description = "Repository on the hub, e.g. EleutherAI/pythia-160m (ORG/NAME@REV also works).")
    String model;

    @Option(names = {"-r", "--revision"}, paramLabel = "REV", description = "Branch, tag or commit hash (default: main).")
    String revision;

    @Option(names = "--include", paramLabel = "GLOB",
            description = "Files to fetch, repeatable, '*' matches across '/' (default: config.json, generation_config.json,"
                    + " tokenizer files and *.safetensors with their index). pytorch_model*.bin is never fetched.")
    List<String> includes;

    @Option(names = "--offline", description = "Do not use the network: print the cached snapshot or fail (like HF_HUB_OFFLINE=1).")
    boolean offline;

    @Option(names = "--json", description = "Print a JSON summary on stdout instead of the snapshot path.")
    boolean json;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Hub URL (default: $HF_ENDPOINT or https://huggingface.co).")
    String endpoint;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Hub cache directory (default: $HF_HUB_CACHE or $HF_HOME/hub).")
    Path cacheDir;

    @Override
    public Integer call() throws Exception {
        Pull pull = parsePull();
        HubSettings settings = HubSettings.fromEnvironment();
        if (endpoint != null) {
            settings = settings.withEndpoint(endpoint);
        }
        if (cacheDir != null) {
            settings = settings.withCacheDir(cacheDir);
        }
        if (offline) {
            settings = settings.withOffline(true);
        }
        PullResult result;
        try (Hub hub = new Hub(settings)) {
            result = hub.pull(pull, ProgressBar.bytes(spec.commandLine().getErr()));
        }
        spec.commandLine().getErr().println(summary(result));
        spec.commandLine().getErr().flush();
        spec.commandLine().getOut().println(json ? toJson(result) : result.snapshot().toString());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private Pull parsePull() {
        String id = model;
        String rev = revision;
        int at = model.indexOf('@');
        if (at >= 0) {
            if (revision != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give the revision either as " + model
                        + " or with --revision, not both");
            }
            id = model.substring(0, at);
            rev = model.substring(at + 1);
        }
        try {
            return new Pull(RepoId.parse(id), rev, includes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static String summary(PullResult r) {
        String what = r.repo() + "@" + r.revision() + " (commit " + r.commit().substring(0, 10) + ")";
        if (r.fromCacheOnly()) {
            return "Using the cached " + what + " (offline): " + r.files().size() + " files";
        }
        if (r.downloadedFiles() == 0) {
            return what + " is up to date in the cache: " + r.reusedFiles() + " files";
        }
        return "Pulled " + what + ": " + r.downloadedFiles() + " files downloaded ("
                + Sizes.human(r.downloadedBytes()) + ")"
                + (r.reusedFiles() > 0 ? ", " + r.reusedFiles() + " already cached" : "");
    }

    private static String toJson(PullResult r) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repo", r.repo().toString());
        out.put("revision", r.revision());
        out.put("commit", r.commit());
        out.put("snapshot", r.snapshot().toString());
        out.put("files", r.files());
        out.put("downloaded_files", r.downloadedFiles());
        out.put("downloaded_bytes", r.downloadedBytes());
        out.put("reused_files", r.reusedFiles());
        out.put("offline", r.fromCacheOnly());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
    }
}
