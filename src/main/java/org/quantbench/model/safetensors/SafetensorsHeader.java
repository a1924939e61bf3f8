package org.quantbench.model.safetensors;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.quantbench.model.json.StrictJson;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed JSON header of a safetensors file. Parsing streams through the tokens (no tree of a possibly huge
 * header) and checks every entry against the size of the data section it points into.
 */
record SafetensorsHeader(List<SafetensorsTensorInfo> tensors, Map<String, String> metadata) {
    static final String METADATA_KEY = "__metadata__";
    /** Far above any real checkpoint (an 8B model has under 300 tensors per file); bounds the entries kept. */
    static final int MAX_TENSORS = 1 << 20;

    SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Map.copyOf(metadata);
    }

    static SafetensorsHeader parse(Path file, byte[] json, long dataSize) {
        if (json.length == 0 || json[0] != '{') {
            throw new FileFormatException(file, "header", "must start with '{' (not a safetensors file?)");
        }
        try (JsonParser parser = StrictJson.parser(json)) {
            return new Reader(file, parser, dataSize).read();
        } catch (JsonParseException e) {
            throw new FileFormatException(file, "header", "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, "header", "is not acceptable JSON: " + e.getOriginalMessage(), e);
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "header", "is not valid UTF-8 JSON", e);
        } catch (IOException e) {
            throw new FileFormatException(file, "header", "cannot be parsed: " + e.getMessage(), e);
        }
    }

    private record Reader(Path file, JsonParser parser, long dataSize) {

        SafetensorsHeader read() throws IOException {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "header", "must be a JSON object");
            Map<String, SafetensorsTensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = Map.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (METADATA_KEY.equals(name)) {
                    metadata = readMetadata();
                } else {
                    expect(tensors.size() < MAX_TENSORS, "header", "has more than " + MAX_TENSORS + " tensors");
                    expect(!tensors.containsKey(name), tensorField(name, ""), "is a duplicate tensor name");
                    tensors.put(name, readTensor(name));
                }
            }
            expect(parser.currentToken() == JsonToken.END_OBJECT, "header", "has an unexpected token " + parser.currentToken());
            expect(parser.nextToken() == null, "header", "has content after the JSON object");
            List<SafetensorsTensorInfo> ordered = new ArrayList<>(tensors.values());
            checkNoOverlap(ordered);
            return new SafetensorsHeader(ordered, metadata);
        }

        private Map<String, String> readMetadata() throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NULL) {
                return Map.of();
            }
            expect(parser.currentToken() == JsonToken.START_OBJECT, METADATA_KEY, "must be an object of strings");
            Map<String, String> metadata = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                expect(parser.nextToken() == JsonToken.VALUE_STRING, METADATA_KEY + "." + key,
                        "must be a string, got " + parser.currentToken());
                metadata.put(key, parser.getText());
            }
            return metadata;
        }

        private SafetensorsTensorInfo readTensor(String name) throws IOException {
            expect(parser.currentToken() == JsonToken.START_OBJECT, tensorField(name, ""), "must be an object, got "
                    + parser.currentToken());
            String dtypeName = null;
            List<Long> shape = null;
            List<Long> offsets = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (key) {
                    case "dtype" -> {
                        expect(value == JsonToken.VALUE_STRING, tensorField(name, key), "must be a string, got " + value);
                        dtypeName = parser.getText();
                    }
                    case "shape" -> shape = readNonNegativeInts(name, key);
                    case "data_offsets" -> offsets = readNonNegativeInts(name, key);
                    default -> parser.skipChildren(); // unknown keys are ignored, as the reference loader does
                }
            }
            expect(dtypeName != null, tensorField(name, "dtype"), "is missing");
            expect(shape != null, tensorField(name, "shape"), "is missing");
            expect(offsets != null, tensorField(name, "data_offsets"), "is missing");
            String dtypeText = dtypeName;
            SafetensorsDType dtype = SafetensorsDType.byName(dtypeName).orElseThrow(() ->
                    new FileFormatException(file, tensorField(name, "dtype"), "unknown dtype \"" + dtypeText + "\""));
            expect(offsets.size() == 2, tensorField(name, "data_offsets"), "must be [begin, end], got " + offsets.size() + " numbers");
            long begin = offsets.get(0);
            long end = offsets.get(1);
            expect(begin <= end, tensorField(name, "data_offsets"), "begin " + begin + " is after end " + end);
            expect(end <= dataSize, tensorField(name, "data_offsets"), "[" + begin + ", " + end
                    + ") lies outside the data section of " + dataSize + " bytes (truncated file?)");
            long elements = 1;
            for (long dim : shape) {
                try {
                    elements = Math.multiplyExact(elements, dim);
                } catch (ArithmeticException e) {
                    throw new FileFormatException(file, tensorField(name, "shape"), "element count " + shape + " overflows");
                }
            }
            long bytes = dtype.bytesFor(elements);
            expect(bytes >= 0, tensorField(name, "shape"), elements + " elements of " + dtype + " do not fill whole bytes");
            expect(end - begin == bytes, tensorField(name, "data_offsets"), "span " + (end - begin) + " bytes but shape "
                    + shape + " of " + dtype + " needs " + bytes);
            return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
        }

        private List<Long> readNonNegativeInts(String name, String key) throws IOException {
            String field = tensorField(name, key);
            expect(parser.currentToken() == JsonToken.START_ARRAY, field, "must be an array of integers, got " + parser.currentToken());
            List<Long> values = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                expect(token == JsonToken.VALUE_NUMBER_INT, field, "must hold only integers, got " + token);
                expect(parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER, field, "value " + parser.getText() + " is too large");
                long value = parser.getLongValue();
                expect(value >= 0, field, "value " + value + " is negative");
                expect(values.size() < 64, field, "has more than 64 entries");
                values.add(value);
            }
            return values;
        }

        private void checkNoOverlap(List<SafetensorsTensorInfo> tensors) {
            List<SafetensorsTensorInfo> byOffset = tensors.stream()
                    .filter(t -> t.byteLength() > 0)
                    .sorted(Comparator.comparingLong(SafetensorsTensorInfo::dataBegin))
                    .toList();
            for (int i = 1; i < byOffset.size(); i++) {
                SafetensorsTensorInfo previous = byOffset.get(i - 1);
                SafetensorsTensorInfo current = byOffset.get(i);
                expect(current.dataBegin() >= previous.dataEnd(), tensorField(current.name(), "data_offsets"),
                        "[" + current.dataBegin() + ", " + current.dataEnd() + ") overlaps tensor \"" + previous.name()
                                + "\" at [" + previous.dataBegin() + ", " + previous.dataEnd() + ")");
            }
        }

        private static String tensorField(String name, String key) {
            String shown = name.length() > 200 ? name.substring(0, 200) + "..." : name;
            return "tensor \"" + shown + "\"" + (key.isEmpty() ? "" : "." + key);
        }

        private void expect(boolean condition, String field, String reason) {
            if (!condition) {
                throw new FileFormatException(file, field, reason);
            }
        }
    }
}
