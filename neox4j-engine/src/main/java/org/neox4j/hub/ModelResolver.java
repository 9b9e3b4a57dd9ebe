package org.neox4j.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;

/**
 * Turns a {@code --model} argument into a local directory or file:
 * <ul>
 *   <li>an existing path (a Hugging Face directory, a GGUF file, a NeoX checkpoint directory) is used as is;
 *   <li>a hub id {@code ORG/NAME} or {@code ORG/NAME@REVISION} is looked up in the hub cache and, when it
 *       is not there, pulled after saying so through the notice callback; offline, a missing model fails
 *       with a message explaining how to get it.
 * </ul>
 * A cached model is used without asking the hub whether the revision moved; {@code neox4j pull} updates it.
 */
public final class ModelResolver {
    /** The model used when none is given. */
    public static final String DEFAULT_MODEL = "EleutherAI/pythia-160m";

    private final HubSettings settings;
    private final Consumer<String> notices;
    private final ProgressListener progress;

    /** {@code notices} receives one-line messages for the user (e.g. that a download starts). */
    public ModelResolver(HubSettings settings, Consumer<String> notices, ProgressListener progress) {
        this.settings = settings;
        this.notices = notices;
        this.progress = progress;
    }

    /** A resolver for this process's environment ({@code HF_HOME}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}, ...). */
    public static ModelResolver fromEnvironment(Consumer<String> notices, ProgressListener progress) {
        return new ModelResolver(HubSettings.fromEnvironment(), notices, progress);
    }

    /** The local path of {@code model}; null or blank means {@link #DEFAULT_MODEL}. */
    public Path resolve(String model) {
        String spec = model == null || model.isBlank() ? DEFAULT_MODEL : model.strip();
        Path local = expandHome(spec);
        if (Files.exists(local)) {
            return local.toAbsolutePath().normalize();
        }
        Optional<Pull> hubModel = parseHubId(spec);
        if (hubModel.isEmpty()) {
            throw new Neox4jException("model '" + spec + "' not found: no such file or directory, and not a hub id"
                    + " (ORG/NAME or ORG/NAME@REVISION, e.g. " + DEFAULT_MODEL + ")");
        }
        Pull pull = hubModel.get();
        try (Hub hub = new Hub(settings)) {
            Optional<Path> cached = hub.cachedModel(pull.repo(), pull.revision());
            if (cached.isPresent()) {
                return cached.get();
            }
            if (settings.offline()) {
                throw hub.notCachedOffline(pull.repo(), pull.revision());
            }
            notices.accept(spec + " is not in the hub cache (" + settings.cacheDir() + "); downloading it from "
                    + settings.endpointBase() + " (once; later runs use the cache)");
            return hub.pull(pull, progress).snapshot();
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.NOT_FOUND && !spec.contains("@")) {
                throw new HubException(e.reason(), "model '" + spec + "' is neither a local path nor a model on the hub: "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** {@code ORG/NAME[@REVISION]} as a pull of the default files, or empty if {@code spec} is not of that form. */
    static Optional<Pull> parseHubId(String spec) {
        if (spec.startsWith(".") || spec.startsWith("~") || spec.indexOf('\\') >= 0) {
            return Optional.empty();
        }
        int at = spec.indexOf('@');
        String id = at < 0 ? spec : spec.substring(0, at);
        String revision = at < 0 ? Pull.DEFAULT_REVISION : spec.substring(at + 1);
        if (!RepoId.isValid(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Pull(RepoId.parse(id), revision, null));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Path expandHome(String spec) {
        if (spec.equals("~") || spec.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(spec.length() == 1 ? "" : spec.substring(2));
        }
        return Path.of(spec);
    }
}
