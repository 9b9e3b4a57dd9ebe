package org.neox4j.score.eval;

/**
 * One LAMBADA passage (a line {@code {"text": ...}} of the {@code lambada_openai} data).
 *
 * @param text the passage; its last word (after the last space) is the target
 * @param source where it came from, for error messages ({@code file.jsonl:12}), or null
 */
public record LambadaDoc(String text, String source) {
    public LambadaDoc {
        if (text == null) {
            throw new IllegalArgumentException("text must be given");
        }
    }

    public LambadaDoc(String text) {
        this(text, null);
    }

    /**
     * The harness's split ({@code lambada_openai}: {@code text.split(' ')[:-1]|join(' ')} and
     * {@code ' ' + text.split(' ')[-1]}): the context is everything before the last space, the
     * target is the last word with a space in front. Without a space the context is empty.
     */
    public String context() {
        int space = text.lastIndexOf(' ');
        return space < 0 ? "" : text.substring(0, space);
    }

    /** The last word with its leading space. */
    public String target() {
        return " " + text.substring(text.lastIndexOf(' ') + 1);
    }
}
