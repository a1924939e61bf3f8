package org.quantbench.quant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Cache folders laid out as {@link QuantizedModelStore} writes them, for the tests of what lists and deletes them. */
public final class CacheLayouts {
    public static final String FINISHED = "W4A16-RTN-g128-sym";
    public static final String PARTIAL = "W4A16-GPTQ-g128-sym+calib-x.partial";
    public static final String STALE = "NF4.tmp123";

    private CacheLayouts() {}

    /**
     * Under model hash 0123456789abcdef: a finished entry (2 KiB of weights), a calibration run's unfinished folder
     * whose saved place covers 3 of 30 layers (4 KiB) and the temporary folder of a killed one-shot quantization.
     *
     * @return the model's folder
     */
    public static Path sample(Path cache) throws IOException {
        Path model = cache.resolve("quantized").resolve("0123456789abcdef");
        Path done = Files.createDirectories(model.resolve(FINISHED));
        Files.write(done.resolve(QuantizedModelStore.WEIGHTS), new byte[2048]);
        Files.writeString(done.resolve(QuantizedModelStore.ENTRY), "{}");
        Path partial = Files.createDirectories(model.resolve(PARTIAL));
        Files.write(partial.resolve("linears.parts"), new byte[4096]);
        Files.writeString(partial.resolve(QuantizedModelStore.CHECKPOINT), "{\"place\": {\"next_layer\": 3, \"layers\": 30}}");
        Path stale = Files.createDirectories(model.resolve(STALE));
        Files.write(stale.resolve("linears.parts"), new byte[100]);
        return model;
    }
}
