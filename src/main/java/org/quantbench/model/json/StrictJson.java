package org.quantbench.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.quantbench.tensor.FileFormatException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jackson set up for JSON that comes from outside (config.json, index files, safetensors headers): the input must
 * be strict UTF-8, duplicate keys and trailing tokens are errors, and document size, nesting depth, string, name
 * and number lengths are capped so a hostile file cannot make the parser allocate or recurse without bound.
 * Every failure becomes a {@link FileFormatException} naming the file.
 */
public final class StrictJson {
    /** Cap for the small JSON files of a model folder (config.json, index files); real ones are kilobytes. */
    public static final long MAX_SMALL_FILE_BYTES = 16L << 20;

    /** Callers cap their input in bytes before parsing; this is the backstop (the largest: a safetensors header). */
    private static final long MAX_DOCUMENT_CHARS = 100L << 20;
    private static final int MAX_DEPTH = 64;
    private static final int MAX_STRING_CHARS = 16 << 20;
    private static final int MAX_NAME_CHARS = 64 << 10;
    private static final int MAX_NUMBER_CHARS = 64;

    private StrictJson() {}

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(MAX_NAME_CHARS)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxDocumentLength(MAX_DOCUMENT_CHARS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * A parser over {@code utf8}; the bytes go through a reporting UTF-8 decoder because Jackson's own byte input
     * would silently accept UTF-16/32 and replace nothing it cannot decode the same way on every path.
     */
    public static JsonParser parser(byte[] utf8) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return FACTORY.createParser(new InputStreamReader(new ByteArrayInputStream(utf8), decoder));
    }

    /** Reads a small JSON file whose root must be an object; its size is checked before anything is read. */
    public static CheckedObject readObjectFile(Path file) {
        byte[] bytes = readSmallFile(file);
        JsonNode root;
        try (JsonParser parser = parser(bytes)) {
            root = MAPPER.readTree(parser);
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, "json", "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "json", "is not valid UTF-8 JSON", e);
        } catch (IOException e) {
            throw new FileFormatException(file, "json", "cannot be parsed: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new FileFormatException(file, "json", "the top level must be a JSON object");
        }
        return new CheckedObject(file, "", root);
    }

    private static byte[] readSmallFile(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new FileFormatException(file, "file", "not a readable file");
            }
            long size = Files.size(file);
            if (size > MAX_SMALL_FILE_BYTES) {
                throw new FileFormatException(file, "file", "is " + size + " bytes; a JSON file of a model folder may have at most "
                        + MAX_SMALL_FILE_BYTES);
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > MAX_SMALL_FILE_BYTES) {
                throw new FileFormatException(file, "file", "grew past " + MAX_SMALL_FILE_BYTES + " bytes while being read");
            }
            return bytes;
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }
}
