package org.quantbench.eval.kld;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.engine.InferenceSession;
import org.quantbench.eval.TokenWindows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Base logits on disk, computed once per (model, tokens, definition): the key holds the model file's SHA-256, the
 * SHA-256 of the token ids (so a different text or tokenizer never matches) and the definition; the file name is
 * the key's hash.
 */
public final class BaseLogitsCache {
    private final Path dir;

    public BaseLogitsCache(Path dir) {
        this.dir = dir;
    }

    public static String key(String modelSha256, TokenWindows windows, int k) {
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        key.put("model_sha256", modelSha256);
        key.put("tokens_sha256", tokensSha256(windows));
        key.put("definition", windows.definition().describe());
        key.put("top_k", k);
        return key.toString();
    }

    public Path file(String key) {
        return dir.resolve(sha256(key.getBytes(StandardCharsets.UTF_8)) + ".qblogits");
    }

    /** Whether the base logits for this key are already on disk (they may still fail validation when opened). */
    public boolean has(String key) {
        return Files.isRegularFile(file(key));
    }

    /** The cached base logits, computed first with a session of the base model when they are not on disk. */
    public BaseLogitsFile open(String modelSha256, TokenWindows windows, int vocab, Supplier<InferenceSession> baseSession) {
        int k = Math.min(KldEvaluator.TOP_K, vocab);
        String key = key(modelSha256, windows, k);
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            KldEvaluator.writeBase(baseSession.get(), windows, key, file);
        }
        return BaseLogitsFile.open(file, key, vocab, windows.scoredTokens());
    }

    static String tokensSha256(TokenWindows windows) {
        MessageDigest d = digest();
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        d.update(b.putInt(0, windows.documents().size()).array());
        for (int[] doc : windows.documents()) {
            ByteBuffer ids = ByteBuffer.allocate(4 * (doc.length + 1)).order(ByteOrder.LITTLE_ENDIAN);
            ids.putInt(doc.length);
            for (int id : doc) {
                ids.putInt(id);
            }
            d.update(ids.array());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
