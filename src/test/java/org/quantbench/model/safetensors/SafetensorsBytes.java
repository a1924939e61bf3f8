package org.quantbench.model.safetensors;

import org.quantbench.tensor.RowDecoders;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds safetensors bytes by hand (independent of the product's writer) for reader tests. */
public final class SafetensorsBytes {
    private final List<String> entries = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private String metadataJson = null;

    public static byte[] file(String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).put(data).array();
    }

    public SafetensorsBytes metadata(Map<String, String> metadata) {
        metadataJson = metadata.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
        return this;
    }

    /** A float tensor encoded as F32, F16 or BF16. */
    public SafetensorsBytes floats(String name, String dtype, long[] shape, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * (dtype.equals("F32") ? 4 : 2)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case "F32" -> buffer.putFloat(v);
                case "F16" -> buffer.putShort(Float.floatToFloat16(v));
                case "BF16" -> buffer.putShort(RowDecoders.floatToBf16(v));
                default -> throw new IllegalArgumentException(dtype);
            }
        }
        return raw(name, dtype, shape, buffer.array());
    }

    public SafetensorsBytes raw(String name, String dtype, long[] shape, byte[] bytes) {
        long begin = data.size();
        data.writeBytes(bytes);
        String shapeJson = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
        entries.add(quote(name) + ":{\"dtype\":\"" + dtype + "\",\"shape\":" + shapeJson + ",\"data_offsets\":[" + begin
                + "," + data.size() + "]}");
        return this;
    }

    public String headerJson() {
        List<String> all = new ArrayList<>();
        if (metadataJson != null) {
            all.add("\"__metadata__\":" + metadataJson);
        }
        all.addAll(entries);
        return "{" + String.join(",", all) + "}";
    }

    public byte[] build() {
        return file(headerJson(), data.toByteArray());
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
