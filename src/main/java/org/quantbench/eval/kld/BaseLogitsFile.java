package org.quantbench.eval.kld;

import org.quantbench.export.AtomicFileWriter;
import org.quantbench.tensor.BoundedReader;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.MappedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The base model's next-token distributions over the scored tokens of a text, in top-k form. Layout (little-endian):
 * <pre>
 *   magic "QBLOGITS", u32 version (1), u32 k, u32 vocab, u32 key length, u64 tokens, key (UTF-8 JSON), zero padding to 8
 *   per scored token, in window order: i32 target id, f32 log rest mass, f64 log p(target), i32[k] top ids (largest
 *   first), f32[k] their log-probabilities
 * </pre>
 * The key names the model hash, the token hash and the definition; a reader expecting another key refuses the file.
 */
public final class BaseLogitsFile implements AutoCloseable {
    static final byte[] MAGIC = "QBLOGITS".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int MAX_K = 1024;
    static final int MAX_KEY = 1 << 16;

    private final MappedFile file;
    private final int k;
    private final long tokens;
    private final long dataOffset;
    private final long recordBytes;
    private final int vocab;

    private BaseLogitsFile(MappedFile file, int k, int vocab, long tokens, long dataOffset) {
        this.file = file;
        this.k = k;
        this.vocab = vocab;
        this.tokens = tokens;
        this.dataOffset = dataOffset;
        this.recordBytes = recordBytes(k);
    }

    static long recordBytes(int k) {
        return 16L + 8L * k;
    }

    public int k() { return k; }

    public long tokens() { return tokens; }

    public Path path() { return file.path(); }

    /** Opens a cache file and checks it against what the caller expects; any mismatch names the file and field. */
    public static BaseLogitsFile open(Path path, String expectedKey, int expectedVocab, long expectedTokens) {
        MappedFile mapped = MappedFile.open(path);
        try {
            BoundedReader r = mapped.reader(0);
            byte[] magic = r.bytes(MAGIC.length, "magic");
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new FileFormatException(path, "magic", "is not a QuantBench base-logits file");
            }
            int version = r.i32("version");
            if (version != VERSION) {
                throw new FileFormatException(path, "version", version + " is not the supported " + VERSION);
            }
            int k = (int) r.checkCount("k", r.u32("k"), MAX_K);
            int vocab = (int) r.u32("vocab");
            int keyLength = (int) r.checkCount("key length", r.u32("key length"), MAX_KEY);
            long tokens = r.i64("tokens");
            String key = r.utf8(keyLength, "key");
            long dataOffset = (r.position() + 7) & ~7L;
            if (k == 0 || k > vocab) {
                throw new FileFormatException(path, "k", k + " must be in [1, vocab " + vocab + "]");
            }
            if (vocab != expectedVocab) {
                throw new FileFormatException(path, "vocab", vocab + " differs from the model's " + expectedVocab);
            }
            if (!key.equals(expectedKey)) {
                throw new FileFormatException(path, "key", "was written for " + key + ", not " + expectedKey);
            }
            if (tokens != expectedTokens) {
                throw new FileFormatException(path, "tokens", tokens + " differs from the " + expectedTokens + " expected");
            }
            long expectedSize = dataOffset + tokens * recordBytes(k);
            if (mapped.size() != expectedSize) {
                throw new FileFormatException(path, "size", mapped.size() + " bytes, expected " + expectedSize
                        + " (truncated or padded)");
            }
            return new BaseLogitsFile(mapped, k, vocab, tokens, dataOffset);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    /** Token {@code index}'s record, ids checked against the vocabulary; {@code logProbs} receives the top-k values. */
    int read(long index, int expectedTarget, int[] ids, float[] logProbs, float[] logRest, double[] targetLogProb) {
        long at = dataOffset + index * recordBytes;
        MemorySegment s = file.segment();
        int target = s.get(ValueLayout.JAVA_INT_UNALIGNED, at);
        if (target != expectedTarget) {
            throw new FileFormatException(path(), "record " + index, "target token " + target + " is not the text's "
                    + expectedTarget);
        }
        logRest[0] = s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4);
        targetLogProb[0] = s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at + 8);
        for (int j = 0; j < k; j++) {
            int id = s.get(ValueLayout.JAVA_INT_UNALIGNED, at + 16 + 4L * j);
            if (id < 0 || id >= vocab) {
                throw new FileFormatException(path(), "record " + index, "token id " + id + " is outside the vocabulary");
            }
            ids[j] = id;
            logProbs[j] = s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 16 + 4L * k + 4L * j);
        }
        return target;
    }

    @Override
    public void close() {
        file.close();
    }

    /** Streams records into a new file, renamed into place only when all {@code tokens} records are written. */
    static final class Writer {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private final int k;
        private long written;

        private Writer(FileChannel channel, int k) {
            this.channel = channel;
            this.k = k;
        }

        /** Body of the write: fills the file through {@code records}, which must write exactly {@code tokens}. */
        interface Records {
            void write(Writer out) throws IOException;
        }

        static void write(Path target, String key, int k, int vocab, long tokens, Records records) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            try {
                AtomicFileWriter.write(target, channel -> {
                    Writer w = new Writer(channel, k);
                    w.buffer.put(MAGIC).putInt(VERSION).putInt(k).putInt(vocab).putInt(keyBytes.length).putLong(tokens)
                            .put(keyBytes);
                    while (w.buffer.position() % 8 != 0) {
                        w.buffer.put((byte) 0);
                    }
                    records.write(w);
                    w.flush();
                    if (w.written != tokens) {
                        throw new IllegalStateException(w.written + " records written, " + tokens + " expected");
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }

        void record(int target, float logRest, double targetLogProb, int[] ids, float[] logProbs) throws IOException {
            if (buffer.remaining() < recordBytes(k)) {
                flush();
            }
            buffer.putInt(target).putFloat(logRest).putDouble(targetLogProb);
            for (int j = 0; j < k; j++) {
                buffer.putInt(ids[j]);
            }
            for (int j = 0; j < k; j++) {
                buffer.putFloat(logProbs[j]);
            }
            written++;
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
    }
}
