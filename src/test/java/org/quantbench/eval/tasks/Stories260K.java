package org.quantbench.eval.tasks;

import org.quantbench.engine.LlamaModel;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.testing.SharedData;

/** stories260K opened once per test JVM: tiny, real, and with a BOS-adding SentencePiece-style tokenizer. */
final class Stories260K {
    private static Llama2cCheckpoint checkpoint;
    private static LlamaModel model;

    private Stories260K() {}

    static synchronized LlamaModel model() {
        if (model == null) {
            checkpoint = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                    SharedData.require("models/stories260K/tok512.bin"));
            model = LlamaModel.load(checkpoint);
        }
        return model;
    }

    static Llama2cCheckpoint checkpoint() {
        model();
        return checkpoint;
    }

    static Tokenizer tokenizer() {
        model();
        return checkpoint.tokenizer().orElseThrow();
    }
}
