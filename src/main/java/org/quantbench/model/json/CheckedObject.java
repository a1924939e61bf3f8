package org.quantbench.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A JSON object from an outside file with typed, checked access: a missing field or a value of the wrong type is a
 * {@link FileFormatException} naming the file and the field's dotted path ({@code rope_scaling.factor}). A field
 * holding JSON null counts as absent, as the HF config classes treat it.
 */
public final class CheckedObject {
    private final Path file;
    private final String path;
    private final JsonNode node;

    CheckedObject(Path file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    public Path file() { return file; }

    /** The dotted name of {@code field} inside this object, as used in error messages. */
    public String fieldPath(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public FileFormatException error(String field, String reason) {
        return new FileFormatException(file, fieldPath(field), reason);
    }

    public boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    /** Names of the fields, in file order. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>(node.size());
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private JsonNode required(String field) {
        if (!has(field)) {
            throw error(field, "is missing");
        }
        return node.get(field);
    }

    public int positiveInt(String field) {
        return toPositiveInt(field, required(field));
    }

    public OptionalInt optionalPositiveInt(String field) {
        return has(field) ? OptionalInt.of(toPositiveInt(field, node.get(field))) : OptionalInt.empty();
    }

    private int toPositiveInt(String field, JsonNode value) {
        if (!value.isIntegralNumber()) {
            throw error(field, "must be a positive integer, got " + describe(value));
        }
        if (!value.canConvertToInt() || value.intValue() <= 0) {
            throw error(field, "must be a positive integer below 2^31, got " + value.asText());
        }
        return value.intValue();
    }

    /** An integer that may be absent, null, of another type or out of range: all of these read as empty. */
    public OptionalInt lenientInt(String field) {
        JsonNode value = node.get(field);
        return value != null && value.isIntegralNumber() && value.canConvertToInt()
                ? OptionalInt.of(value.intValue()) : OptionalInt.empty();
    }

    /** Integers of a field holding one integer or an array of them, others skipped. */
    public List<Integer> lenientInts(String field) {
        JsonNode value = node.get(field);
        List<Integer> ints = new ArrayList<>();
        if (value == null) {
            return ints;
        }
        Iterable<JsonNode> items = value.isArray() ? value : List.of(value);
        for (JsonNode item : items) {
            if (item.isIntegralNumber() && item.canConvertToInt()) {
                ints.add(item.intValue());
            }
        }
        return ints;
    }

    public double positiveNumber(String field) {
        return toPositiveNumber(field, required(field));
    }

    public OptionalDouble optionalPositiveNumber(String field) {
        return has(field) ? OptionalDouble.of(toPositiveNumber(field, node.get(field))) : OptionalDouble.empty();
    }

    private double toPositiveNumber(String field, JsonNode value) {
        if (!value.isNumber()) {
            throw error(field, "must be a positive number, got " + describe(value));
        }
        double d = value.doubleValue();
        if (!(d > 0) || Double.isInfinite(d)) {
            throw error(field, "must be a positive finite number, got " + value.asText());
        }
        return d;
    }

    public String string(String field) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw error(field, "must be a string, got " + describe(value));
        }
        return value.textValue();
    }

    public Optional<String> optionalString(String field) {
        return has(field) ? Optional.of(string(field)) : Optional.empty();
    }

    public Optional<Boolean> optionalBoolean(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw error(field, "must be true or false, got " + describe(value));
        }
        return Optional.of(value.booleanValue());
    }

    public List<String> strings(String field) {
        JsonNode value = required(field);
        if (!value.isArray()) {
            throw error(field, "must be an array of strings, got " + describe(value));
        }
        List<String> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual()) {
                throw error(field + "[" + i + "]", "must be a string, got " + describe(item));
            }
            out.add(item.textValue());
        }
        return out;
    }

    public CheckedObject object(String field) {
        JsonNode value = required(field);
        if (!value.isObject()) {
            throw error(field, "must be a JSON object, got " + describe(value));
        }
        return new CheckedObject(file, fieldPath(field), value);
    }

    public Optional<CheckedObject> optionalObject(String field) {
        return has(field) ? Optional.of(object(field)) : Optional.empty();
    }

    private static String describe(JsonNode value) {
        String text = value.isTextual() ? '"' + value.textValue() + '"' : value.toString();
        String type = switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        return type + " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
    }
}
