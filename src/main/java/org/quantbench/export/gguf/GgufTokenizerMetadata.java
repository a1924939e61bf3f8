package org.quantbench.export.gguf;

import org.quantbench.model.gguf.GgufArray;
import org.quantbench.model.gguf.GgufKeys;
import org.quantbench.model.gguf.GgufValue;
import org.quantbench.model.gguf.GgufValueType;
import org.quantbench.model.tokenizer.VocabularyData;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code tokenizer.ggml.*} keys for a {@link VocabularyData}, typed as llama.cpp's converter writes them:
 * ids UINT32, scores FLOAT32, token types INT32. Empty arrays and -1 ids are left out, so reading the file back
 * gives the same vocabulary.
 */
public final class GgufTokenizerMetadata {
    private GgufTokenizerMetadata() {}

    public static Map<String, GgufValue> of(VocabularyData v) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put(GgufKeys.TOKENIZER_MODEL, GgufValue.string(v.model()));
        if (v.pre() != null && !v.pre().isEmpty()) {
            m.put(GgufKeys.TOKENIZER_PRE, GgufValue.string(v.pre()));
        }
        m.put(GgufKeys.TOKENS, GgufValue.array(GgufArray.ofStrings(v.tokens())));
        if (v.scores().length > 0) {
            m.put(GgufKeys.SCORES, GgufValue.array(GgufArray.ofFloat32(v.scores())));
        }
        if (v.tokenTypes().length > 0) {
            m.put(GgufKeys.TOKEN_TYPE, GgufValue.array(GgufArray.ofInt32(v.tokenTypes())));
        }
        if (!v.merges().isEmpty()) {
            m.put(GgufKeys.MERGES, GgufValue.array(GgufArray.ofStrings(v.merges())));
        }
        putId(m, GgufKeys.BOS_ID, v.bosId());
        putId(m, GgufKeys.EOS_ID, v.eosId());
        putId(m, GgufKeys.UNK_ID, v.unkId());
        putId(m, GgufKeys.PAD_ID, v.padId());
        m.put(GgufKeys.ADD_BOS, GgufValue.bool(v.addBos()));
        m.put(GgufKeys.ADD_EOS, GgufValue.bool(v.addEos()));
        m.put(GgufKeys.ADD_SPACE_PREFIX, GgufValue.bool(v.addSpacePrefix()));
        return m;
    }

    private static void putId(Map<String, GgufValue> m, String key, int id) {
        if (id >= 0) {
            m.put(key, GgufValue.integer(GgufValueType.UINT32, id));
        }
    }
}
