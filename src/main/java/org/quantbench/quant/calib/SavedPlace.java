package org.quantbench.quant.calib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A calibration run's place after a finished layer: the next layer's index, the losses and replaced norms so far,
 * the seconds spent, and the next layer's inputs, which live in a file {@code inputs-<layer>.f32} (float32, sample
 * by sample) of the resumption's folder. Reading one back treats it as untrusted: every field is checked against the
 * model and the batch, so a stale or damaged place is refused rather than continued from.
 */
record SavedPlace(int nextLayer, double[] losses, Map<String, float[]> norms, double seconds, Path inputs) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final Pattern INPUTS = Pattern.compile("inputs-\\d{1,6}\\.f32");

    /** Writes the inputs file first, then the place that names it, then drops the file the previous place named. */
    static void save(CalibrationPipeline.Resumption resumption, int nextLayer, int layers, ActivationStore.Buffer x,
                     double[] losses, Map<String, float[]> norms, double seconds) {
        Path file = resumption.folder().resolve("inputs-" + nextLayer + ".f32");
        writeInputs(file, x);
        ObjectNode place = JSON.createObjectNode();
        place.put("next_layer", nextLayer);
        place.put("layers", layers);
        place.put("samples", x.samples()).put("tokens", x.tokens()).put("width", x.width());
        place.put("inputs", file.getFileName().toString());
        place.put("seconds", seconds);
        var lossArray = place.putArray("losses");
        for (int l = 0; l < nextLayer; l++) {
            lossArray.add(losses[l]);
        }
        ObjectNode normNode = place.putObject("norms");
        norms.forEach((name, v) -> normNode.put(name, encode(v)));
        String previous = resumption.saved() == null ? null : resumption.saved().path("inputs").asText(null);
        resumption.save(place);
        if (previous != null && !previous.equals(file.getFileName().toString()) && INPUTS.matcher(previous).matches()) {
            try {
                Files.deleteIfExists(resumption.folder().resolve(previous));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the superseded " + previous + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The saved place of a run of this model on this batch.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    static SavedPlace read(CalibrationPipeline.Resumption resumption, ModelConfig c, int samples, int tokens) {
        JsonNode p = resumption.saved();
        int next = p.path("next_layer").asInt(-1);
        if (next < 1 || next >= c.nLayers()) {
            throw new IllegalArgumentException("next layer " + p.path("next_layer") + " outside 1.." + (c.nLayers() - 1));
        }
        if (p.has("layers") && p.path("layers").asInt() != c.nLayers()) {
            throw new IllegalArgumentException("saved for " + p.path("layers") + " layers, the model has " + c.nLayers());
        }
        if (p.path("samples").asInt() != samples || p.path("tokens").asInt() != tokens || p.path("width").asInt() != c.dim()) {
            throw new IllegalArgumentException("inputs of " + p.path("samples") + " x " + p.path("tokens") + " x "
                    + p.path("width") + ", the run has " + samples + " x " + tokens + " x " + c.dim());
        }
        JsonNode lossNode = p.path("losses");
        double seconds = p.path("seconds").asDouble(-1);
        if (lossNode.size() != next || !(seconds >= 0)) {
            throw new IllegalArgumentException(lossNode.size() + " losses and " + seconds + " s for " + next + " layers");
        }
        double[] losses = new double[c.nLayers()];
        for (int l = 0; l < next; l++) {
            losses[l] = lossNode.get(l).asDouble();
        }
        Map<String, float[]> norms = new LinkedHashMap<>();
        Set<String> allowed = new java.util.HashSet<>();
        for (int l = 0; l < next; l++) {
            allowed.add(TensorNames.attnNorm(l));
            allowed.add(TensorNames.ffnNorm(l));
        }
        for (var e : p.path("norms").properties()) {
            float[] v = allowed.contains(e.getKey()) ? decode(e.getValue().asText()) : null;
            if (v == null || v.length != c.dim()) {
                throw new IllegalArgumentException("norm " + e.getKey() + " does not belong to the finished layers or has"
                        + " the wrong size");
            }
            norms.put(e.getKey(), v);
        }
        String name = p.path("inputs").asText("");
        Path file = resumption.folder().resolve(name);
        long expected = 4L * samples * tokens * c.dim();
        try {
            if (!INPUTS.matcher(name).matches() || !Files.isRegularFile(file) || Files.size(file) != expected) {
                throw new IllegalArgumentException("inputs file '" + name + "' is missing or not " + expected + " bytes");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("inputs file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return new SavedPlace(next, losses, norms, seconds, file);
    }

    /** The saved inputs, in a buffer of {@code store}. */
    ActivationStore.Buffer loadInputs(ActivationStore store, int samples, int tokens, int width) {
        ActivationStore.Buffer x = store.create(samples, tokens, width);
        float[] row = new float[tokens * width];
        ByteBuffer bytes = ByteBuffer.allocate(4 * row.length);
        try (FileChannel ch = FileChannel.open(inputs, StandardOpenOption.READ)) {
            for (int s = 0; s < samples; s++) {
                bytes.clear();
                while (bytes.hasRemaining()) {
                    if (ch.read(bytes, 4L * s * row.length + bytes.position()) < 0) {
                        throw new IOException("ends early");
                    }
                }
                MemorySegment.copy(MemorySegment.ofBuffer(bytes.flip()), F32, 0, row, 0, row.length);
                x.write(s, row, 0);
            }
            return x;
        } catch (IOException e) {
            x.close();
            throw new UncheckedIOException("cannot read the saved inputs " + inputs + ": " + e.getMessage(), e);
        }
    }

    private static void writeInputs(Path file, ActivationStore.Buffer x) {
        float[] row = new float[x.tokens() * x.width()];
        ByteBuffer bytes = ByteBuffer.allocate(4 * row.length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int s = 0; s < x.samples(); s++) {
                x.read(s, row, 0);
                MemorySegment.copy(row, 0, MemorySegment.ofBuffer(bytes.clear()), F32, 0, row.length);
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
            }
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the next layer's inputs to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String encode(float[] v) {
        byte[] b = new byte[4 * v.length];
        MemorySegment.copy(v, 0, MemorySegment.ofArray(b), F32, 0, v.length);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The floats of a Base64 string, or null when it is not one or holds a non-finite value. */
    private static float[] decode(String text) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (b.length % 4 != 0) {
            return null;
        }
        float[] v = new float[b.length / 4];
        MemorySegment.copy(MemorySegment.ofArray(b), F32, 0, v, 0, v.length);
        for (float f : v) {
            if (!Float.isFinite(f)) {
                return null;
            }
        }
        return v;
    }
}
