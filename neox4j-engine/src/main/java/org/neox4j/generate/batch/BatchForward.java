package org.neox4j.generate.batch;

import java.util.List;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;

/** The forward pass a scheduler calls once per step ({@code GptNeoX::forward}; a seam for instrumentation). */
@FunctionalInterface
public interface BatchForward {
    ForwardResult forward(List<GptNeoX.Chunk> chunks, ForwardOptions options);
}
