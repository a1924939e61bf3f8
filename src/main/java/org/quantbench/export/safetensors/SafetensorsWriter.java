package org.quantbench.export.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.quantbench.export.AtomicFileWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Writes one .safetensors file: the header (entries in the given order, JSON padded with spaces so the data
 * section starts at a multiple of 8) and then each tensor streamed from its {@link TensorContent}. The file appears
 * under its name only when complete.
 */
public final class SafetensorsWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private SafetensorsWriter() {}

    public static void write(Path file, List<SafetensorsEntry> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, bytes -> { });
    }

    /** As {@link #write(Path, List, Map)}, reporting each chunk of bytes written to {@code progress}. */
    public static void write(Path file, List<SafetensorsEntry> tensors, Map<String, String> metadata,
                             LongConsumer progress) throws IOException {
        byte[] header = header(tensors, metadata);
        AtomicFileWriter.write(file, channel -> {
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            while (head.hasRemaining()) {
                channel.write(head);
            }
            progress.accept(8L + header.length);
            TensorSink sink = new TensorSink(channel, progress);
            for (SafetensorsEntry entry : tensors) {
                sink.begin(entry);
                entry.content().writeTo(sink);
                sink.end();
            }
            sink.flush();
        });
    }

    /** Bytes of the file these entries make: header length field, header and data. */
    public static long fileBytes(List<SafetensorsEntry> tensors, Map<String, String> metadata) {
        long data = 0;
        for (SafetensorsEntry entry : tensors) {
            data += entry.byteLength();
        }
        return 8 + header(tensors, metadata).length + data;
    }

    /** The padded JSON header; names must be unique. */
    static byte[] header(List<SafetensorsEntry> tensors, Map<String, String> metadata) {
        Set<String> names = new HashSet<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            if (!metadata.isEmpty()) {
                json.writeObjectFieldStart("__metadata__");
                for (var entry : metadata.entrySet()) {
                    json.writeStringField(entry.getKey(), entry.getValue());
                }
                json.writeEndObject();
            }
            long offset = 0;
            for (SafetensorsEntry entry : tensors) {
                if (!names.add(entry.name())) {
                    throw new IllegalArgumentException("tensor " + entry.name() + " is listed twice");
                }
                json.writeObjectFieldStart(entry.name());
                json.writeStringField("dtype", entry.dtype().name());
                json.writeArrayFieldStart("shape");
                for (long dim : entry.shape()) {
                    json.writeNumber(dim);
                }
                json.writeEndArray();
                json.writeArrayFieldStart("data_offsets");
                json.writeNumber(offset);
                offset += entry.byteLength();
                json.writeNumber(offset);
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        int padding = (8 - out.size() % 8) % 8;
        out.writeBytes(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
