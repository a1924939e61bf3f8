package org.quantbench.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of a task file with checked access by dotted path ({@code question.stem}): a missing field or one of the
 * wrong type is a {@link FileFormatException} naming the file, the line and the field.
 */
final class JsonRow {
    private final Path file;
    private final int line;
    private final JsonNode root;

    JsonRow(Path file, int line, JsonNode root) {
        this.file = file;
        this.line = line;
        this.root = root;
    }

    int line() { return line; }

    Path file() { return file; }

    RowPosition position() { return new RowPosition(file, line); }

    FileFormatException error(String reason) {
        return position().error(reason);
    }

    /** The value at a dotted path, or null when any step is missing or JSON null. */
    JsonNode find(String path) {
        JsonNode node = root;
        for (String step : path.split("\\.", -1)) {
            node = node.isObject() ? node.get(step) : null;
            if (node == null || node.isNull()) {
                return null;
            }
        }
        return node;
    }

    JsonNode require(String path) {
        JsonNode node = find(path);
        if (node == null) {
            throw error("missing field '" + path + "'");
        }
        return node;
    }

    /** A string field. */
    String text(String path) {
        JsonNode node = require(path);
        if (!node.isTextual()) {
            throw error("field '" + path + "' must be a string, not " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return node.textValue();
    }

    /** A string, integer or boolean field as text: labels are written both ways, and numbers may fill a template. */
    String scalar(String path) {
        JsonNode node = require(path);
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw error("field '" + path + "' must be a string or an integer, not "
                + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    JsonNode array(String path) {
        JsonNode node = require(path);
        if (!node.isArray()) {
            throw error("field '" + path + "' must be an array");
        }
        return node;
    }

    /** An array of strings. */
    List<String> texts(String path) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode element : array(path)) {
            if (!element.isTextual()) {
                throw error("field '" + path + "[" + i + "]' must be a string");
            }
            out.add(element.textValue());
            i++;
        }
        return out;
    }

    /** A 0-based index given as a JSON integer or a decimal string. */
    int index(String path) {
        JsonNode node = require(path);
        String text = node.isIntegralNumber() ? node.asText() : node.isTextual() ? node.textValue().strip() : null;
        if (text == null || !text.matches("-?\\d{1,9}")) {
            throw error("field '" + path + "' must be an integer index, got " + brief(node.toString()));
        }
        return Integer.parseInt(text);
    }

    /** A value for an error message, cut short: rows can be large. */
    static String brief(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }
}
