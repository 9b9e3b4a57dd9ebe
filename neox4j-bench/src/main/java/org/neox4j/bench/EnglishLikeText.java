package org.neox4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic English-like text for benchmarks: sentences of common English words mixed with
 * made-up words (so that the vocabulary is large, as in real text, and a tokenizer's word cache
 * does not see only a few hundred words), Zipf-distributed, with capitals, contractions,
 * punctuation, numbers, quotes and paragraphs. ASCII only, so characters and bytes are the same.
 */
final class EnglishLikeText {
    private static final String[] COMMON = ("the of and to a in is it you that he was for on are with as I his they be at"
            + " one have this from or had by not word but what some we can out other were all there when up use your how"
            + " said an each she which do their time if will way about many then them write would like so these her long"
            + " make thing see him two has look more day could go come did number sound no most people my over know water"
            + " than call first who may down side been now find any new work part take get place made live where after"
            + " back little only round man year came show every good me give our under name very through just form"
            + " sentence great think say help low line differ turn cause much mean before move right boy old too same tell"
            + " does set three want air well also play small end put home read hand port large spell add even land here"
            + " must big high such follow act why ask men change went light kind off need house picture try us again"
            + " animal point mother world near build self earth father head stand own page should country found answer"
            + " school grow study still learn plant cover food sun four between state keep eye never last let thought city"
            + " tree cross farm hard start might story saw far sea draw left late run while press close night real life"
            + " few north open seem together next white children begin got walk example ease paper group always music"
            + " those both mark often letter until mile river car feet care second book carry took science eat room friend"
            + " began idea fish mountain stop once base hear horse cut sure watch color face wood main enough plain girl"
            + " usual young ready above ever red list though feel talk bird soon body dog family direct pose leave song"
            + " measure door product black short numeral class wind question happen complete ship area half rock order"
            + " fire south problem piece told knew pass since top whole king space heard best hour better true during"
            + " hundred five remember step early hold west ground interest reach fast verb sing listen six table travel"
            + " less morning ten simple several vowel toward war lay against pattern slow center love person money serve"
            + " appear road map rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark"
            + " machine note wait plan figure star box noun field rest correct able pound done beauty drive stood contain"
            + " front teach week final gave green quick develop ocean warm free minute strong special mind behind clear"
            + " tail produce fact street inch multiply nothing course stay wheel full force blue object decide surface deep"
            + " moon island foot system busy test record boat common gold possible plane stead dry wonder laugh thousand"
            + " ago ran check game shape equate miss brought heat snow tire bring yes distant fill east paint language among")
            .split(" ");
    private static final String[] CONTRACTIONS = {"don't", "it's", "can't", "I'm", "we're", "they've", "you'll", "he'd",
        "isn't", "wasn't", "that's", "there's"};
    private static final String[] SYLLABLES = {"ba", "ri", "ton", "ca", "mel", "lo", "ver", "sa", "din", "qua", "pre",
        "tion", "ment", "al", "ous", "ing", "ex", "con", "per", "sub", "tra", "ly", "ness", "ic", "ar", "en", "or",
        "ste", "phi", "gra", "dor", "mun", "pli", "cre", "vo", "zen", "ath", "ble", "ism", "ure"};

    private EnglishLikeText() {
    }

    /** Exactly {@code bytes} bytes of text, the same for the same arguments. */
    static String generate(int bytes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> invented = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            StringBuilder word = new StringBuilder();
            int syllables = 2 + random.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            invented.add(word.toString());
        }
        StringBuilder text = new StringBuilder(bytes + 200);
        while (text.length() < bytes) {
            int sentences = 2 + random.nextInt(6);
            for (int s = 0; s < sentences; s++) {
                appendSentence(text, random, invented);
                text.append(' ');
            }
            text.setLength(text.length() - 1);
            text.append("\n\n");
        }
        text.setLength(bytes);
        return text.toString();
    }

    private static void appendSentence(StringBuilder text, SplittableRandom random, List<String> invented) {
        boolean quoted = random.nextInt(12) == 0;
        if (quoted) {
            text.append('"');
        }
        int words = 4 + random.nextInt(18);
        for (int w = 0; w < words; w++) {
            String word = word(random, invented);
            if (w == 0) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            } else {
                text.append(' ');
            }
            text.append(word);
            if (w < words - 1 && random.nextInt(10) == 0) {
                text.append(random.nextInt(4) == 0 ? ";" : ",");
            }
        }
        text.append(".?!".charAt(random.nextInt(8) == 0 ? 1 + random.nextInt(2) : 0));
        if (quoted) {
            text.append('"');
        }
    }

    /** Common words with a Zipf-like law, made-up ones (a long tail), contractions and numbers. */
    private static String word(SplittableRandom random, List<String> invented) {
        int kind = random.nextInt(100);
        if (kind < 70) {
            double u = random.nextDouble();
            return COMMON[(int) (Math.pow(COMMON.length, u)) - 1];
        }
        if (kind < 93) {
            return invented.get((int) (Math.pow(invented.size(), random.nextDouble())) - 1);
        }
        if (kind < 97) {
            return CONTRACTIONS[random.nextInt(CONTRACTIONS.length)];
        }
        return switch (random.nextInt(3)) {
            case 0 -> Integer.toString(1800 + random.nextInt(230));
            case 1 -> Integer.toString(random.nextInt(1000));
            default -> random.nextInt(100) + "." + random.nextInt(10) + "%";
        };
    }
}
