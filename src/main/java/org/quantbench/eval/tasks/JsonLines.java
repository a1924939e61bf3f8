package org.quantbench.eval.tasks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.model.json.StrictJson;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JSON Lines file: one JSON object per line (blank lines skipped), parsed with {@link StrictJson}'s limits. */
final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    static List<JsonRow> read(Path file) {
        List<JsonRow> rows = new ArrayList<>();
        try (LineReader lines = new LineReader(file)) {
            for (byte[] bytes; (bytes = lines.next()) != null; ) {
                if (LineReader.isBlank(bytes)) {
                    continue;
                }
                int line = lines.lineNumber();
                String text = lines.decode(bytes, line);
                rows.add(new JsonRow(file, line, parse(file, line, text)));
            }
        }
        return rows;
    }

    private static JsonNode parse(Path file, int line, String text) {
        try (JsonParser parser = StrictJson.parser(text.getBytes(StandardCharsets.UTF_8))) {
            JsonNode node = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw new FileFormatException(file, "line " + line, "holds more than one JSON value");
            }
            if (node == null || !node.isObject()) {
                throw new FileFormatException(file, "line " + line, "is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, "line " + line, "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FileFormatException(file, "line " + line, "cannot be parsed: " + e.getMessage(), e);
        }
    }
}
