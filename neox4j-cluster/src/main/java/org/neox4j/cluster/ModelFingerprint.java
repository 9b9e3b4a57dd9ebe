package org.neox4j.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.neox4j.model.Config;

/**
 * Identifies a model's architecture and shapes, so that a coordinator and its workers can check
 * that they run the same model. It cannot tell two models of identical shape apart (say, a model
 * and its fine-tune): deploying the same files everywhere is the operator's part (docs/CLUSTER.md).
 */
final class ModelFingerprint {
    private ModelFingerprint() {
    }

    static String of(Config c) {
        String canonical = "gpt-neox vocab=" + c.vocabSize() + " hidden=" + c.hiddenSize() + " layers=" + c.numLayers()
                + " heads=" + c.numHeads() + " intermediate=" + c.intermediateSize() + " rotary=" + c.rotaryDims()
                + " base=" + c.rotaryBase() + " scaling=" + c.ropeScaling() + " eps=" + c.layerNormEps()
                + " parallel=" + c.parallelResidual() + " act=" + c.activation() + " attnbias=" + c.attentionBias();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** A readable summary for error messages. */
    static String describe(Config c) {
        return c.numLayers() + " layers, hidden " + c.hiddenSize() + ", vocab " + c.vocabSize();
    }
}
