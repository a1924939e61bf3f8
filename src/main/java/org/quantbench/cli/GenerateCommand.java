package org.quantbench.cli;

import org.quantbench.engine.Generator;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.engine.Sampler;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.workbench.measure.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "generate", description = "Generate text from a prompt (greedy at temperature 0).")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--prompt", description = "The prompt (default: empty, i.e. start from BOS).")
    String prompt = "";

    @Option(names = "--temperature", description = "0 = greedy (default 0).")
    float temperature = 0f;

    @Option(names = "--top-p", description = "Nucleus sampling mass (default 0.9).")
    float topP = 0.9f;

    @Option(names = "--seed", description = "Sampling seed (default 42).")
    long seed = 42;

    @Option(names = "--steps", description = "Tokens to generate (default 256).")
    int steps = 256;

    @Option(names = "--parse-special", description = "Turn special-token text in the prompt into special tokens.")
    boolean parseSpecial;

    @Override
    public Integer call() {
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool()) {
            Tokenizer tok = ModelOptions.tokenizerOf(ckpt);
            int[] text = tok.encode(prompt, parseSpecial);
            int[] promptIds = withBos(tok, text);
            if (promptIds.length == 0) {
                throw new IllegalArgumentException("empty prompt and the tokenizer has no BOS to start from");
            }
            try (LoadedModel loaded = options.load(ckpt)) {
                LlamaModel model = loaded.model();
                int capacity = Math.min(ckpt.config().maxSeqLen(), promptIds.length + steps);
                InferenceSession session = new InferenceSession(model, capacity, InferenceSession.SCORING_BLOCK, pool);
                Sampler sampler = new Sampler(temperature, topP, seed);
                PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
                out.print(tok.decode(promptIds));
                StreamingDecoder decoder = new StreamingDecoder(tok, out, promptIds);
                long start = System.nanoTime();
                int[] generated = Generator.generate(session, promptIds, steps, sampler,
                        id -> tok.eosId().isPresent() && id == tok.eosId().getAsInt()
                                || tok.bosId().isPresent() && id == tok.bosId().getAsInt(),
                        decoder::accept);
                decoder.flush();
                double seconds = (System.nanoTime() - start) / 1e9;
                out.println();
                System.err.printf("%d tokens in %.2f s (%.1f tok/s, prompt %d tokens, %d threads); %s%n",
                        generated.length, seconds, generated.length / seconds, promptIds.length, pool.threads(),
                        loaded.arithmeticLine());
            }
        }
        return 0;
    }

    private static int[] withBos(Tokenizer tok, int[] text) {
        boolean bos = tok.bosId().isPresent() && (tok.addBos() || text.length == 0);
        if (!bos) {
            return text;
        }
        int[] ids = new int[text.length + 1];
        ids[0] = tok.bosId().getAsInt();
        System.arraycopy(text, 0, ids, 1, text.length);
        return ids;
    }

    /**
     * Prints tokens as they come. It decodes the whole sequence each time (so the tokenizer's own rules, such as
     * SentencePiece's leading space, apply) and holds back a trailing incomplete UTF-8 character.
     */
    static final class StreamingDecoder {
        private final Tokenizer tok;
        private final PrintStream out;
        private final IntList ids = new IntList();
        private int printed;

        StreamingDecoder(Tokenizer tok, PrintStream out, int[] prompt) {
            this.tok = tok;
            this.out = out;
            for (int id : prompt) {
                ids.add(id);
            }
            printed = tok.decode(ids.toArray()).length();
        }

        void accept(int id) {
            ids.add(id);
            String text = tok.decode(ids.toArray());
            int end = text.endsWith("\uFFFD") ? text.length() - 1 : text.length();
            if (end > printed) {
                out.print(text.substring(printed, end));
                printed = end;
            }
        }

        void flush() {
            String text = tok.decode(ids.toArray());
            if (text.length() > printed) {
                out.print(text.substring(printed));
                printed = text.length();
            }
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] data = new int[64];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
