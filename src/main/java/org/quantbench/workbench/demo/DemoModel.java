package org.quantbench.workbench.demo;

import org.quantbench.export.AtomicFileWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The built-in demo model: stories260K (a 260K-parameter llama2.c model trained on TinyStories, MIT, from
 * karpathy/llama2.c; see resources/demo/LICENSE) with its tokenizer and a short text written for QuantBench, shipped
 * inside the app and extracted to the user's folder on first use, so a fresh install has a model to run.
 * {@code ${DEMO}} in a run config names that folder.
 */
public final class DemoModel {
    public static final String MODEL = "stories260K.bin";
    public static final String TOKENIZER = "tok512.bin";
    public static final String TEXT = "demo-stories.txt";
    private static final List<String> FILES = List.of(MODEL, TOKENIZER, TEXT, "LICENSE");

    private DemoModel() {}

    /** The demo folder under {@code dir}, its files extracted (atomically) when missing or of the wrong size. */
    public static Path folder(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String name : FILES) {
                byte[] bytes = resource(name);
                Path target = dir.resolve(name);
                if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
                    AtomicFileWriter.write(target, channel -> {
                        ByteBuffer b = ByteBuffer.wrap(bytes);
                        while (b.hasRemaining()) {
                            channel.write(b);
                        }
                    });
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the demo model into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DemoModel.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) {
                throw new IOException("the demo file " + name + " is missing from this build");
            }
            return in.readAllBytes();
        }
    }
}
