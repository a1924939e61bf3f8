package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.model.json.StrictJson;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads and writes {@link RunConfig} files. Reading is strict: UTF-8 only, no duplicate keys, no unknown fields, and
 * every error is a {@link FileFormatException} naming the file and the field's path, e.g.
 * {@code run.json: schemes[3]: unknown scheme 'W5A16-FOO'} or {@code run.json: profiles.quick.evaluations.tasks.limit: ...}.
 * Every profile is checked at read time, and the model path must exist.
 */
public final class RunConfigFile {
    /** Configs are hand-written; anything larger is not one. */
    static final long MAX_BYTES = 1L << 20;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private RunConfigFile() {}

    /** Reads and checks {@code file}; paths are resolved (for the model check) against the file's folder. */
    public static RunConfig read(Path file, PathVariables paths) {
        JsonNode root = parse(file);
        RunConfig config = bind(file, root, "");
        for (Map.Entry<String, JsonNode> p : config.profiles().entrySet()) {
            if (!p.getValue().isObject()) {
                throw new FileFormatException(file, "profiles." + p.getKey(), "must be an object of overrides");
            }
            if (p.getValue().has("profiles")) {
                throw new FileFormatException(file, "profiles." + p.getKey() + ".profiles", "a profile cannot hold profiles");
            }
            bind(file, merge(root.deepCopy(), p.getValue()), "profiles." + p.getKey() + ".");
        }
        PathVariables local = paths.withBaseDir(dirOf(file));
        checkExists(file, "model.path", config.model().path(), local);
        if (config.model().tokenizer() != null) {
            checkExists(file, "model.tokenizer", config.model().tokenizer(), local);
        }
        if (config.calibration() != null) {
            checkExists(file, "calibration.file", config.calibration().file(), local);
        }
        return config;
    }

    /** The folder relative paths of {@code file} are taken from. */
    public static Path dirOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }

    /** {@code config} with the overrides of profile {@code name} applied; null or blank returns it unchanged. */
    public static RunConfig withProfile(RunConfig config, String name) {
        if (name == null || name.isBlank()) {
            return config;
        }
        JsonNode overrides = config.profiles().get(name);
        if (overrides == null) {
            throw new IllegalArgumentException("config '" + config.name() + "' has no profile '" + name + "'; it has: "
                    + (config.profiles().isEmpty() ? "none" : String.join(", ", config.profiles().keySet())));
        }
        ObjectNode tree = MAPPER.valueToTree(config);
        tree.remove("profiles");
        try {
            return MAPPER.treeToValue(merge(tree, overrides), RunConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("profile '" + name + "': " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code config} as indented JSON, atomically. */
    public static void write(Path file, RunConfig config) {
        try {
            AtomicFileWriter.writeString(file, MAPPER.writeValueAsString(config) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The config as JSON (the same text {@link #write} writes). */
    public static String toJson(RunConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run config always serialises", e);
        }
    }

    private static JsonNode parse(Path file) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new FileFormatException(file, "file", "does not exist or is not a file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new FileFormatException(file, "file", "is " + Files.size(file) + " bytes; a run config may have at most " + MAX_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
        try (JsonParser parser = StrictJson.parser(bytes)) {
            JsonNode root = MAPPER.readTree(parser);
            if (root == null || !root.isObject()) {
                throw new FileFormatException(file, "json", "the top level must be a JSON object");
            }
            if (parser.nextToken() != null) {
                throw new FileFormatException(file, "json", "text after the top-level object");
            }
            return root;
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "json", "is not valid UTF-8", e);
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, "json", "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FileFormatException(file, "json", "cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static RunConfig bind(Path file, JsonNode root, String prefix) {
        try {
            return MAPPER.treeToValue(root, RunConfig.class);
        } catch (JsonMappingException e) {
            throw translate(file, prefix, e);
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, prefix.isEmpty() ? "json" : prefix, e.getOriginalMessage(), e);
        }
    }

    /** A binding error as file + field path + reason, in words a user can act on. */
    private static FileFormatException translate(Path file, String prefix, JsonMappingException e) {
        StringBuilder path = new StringBuilder(prefix);
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!path.isEmpty() && path.charAt(path.length() - 1) != '.') {
                    path.append('.');
                }
                path.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        String reason;
        if (e instanceof ValueInstantiationException && e.getCause() instanceof ConfigFieldException f) {
            if (!path.isEmpty() && path.charAt(path.length() - 1) != '.') {
                path.append('.');
            }
            path.append(f.field());
            reason = f.getMessage();
        } else if (e instanceof ValueInstantiationException && e.getCause() != null) {
            reason = e.getCause().getMessage();
        } else if (e instanceof UnrecognizedPropertyException u) {
            reason = "unknown field; known fields here: " + u.getKnownPropertyIds();
        } else {
            reason = e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "").replaceAll("`[a-z.]+\\.(\\w+)`", "$1");
        }
        String field = path.toString();
        if (field.endsWith(".")) {
            field = field.substring(0, field.length() - 1);
        }
        return new FileFormatException(file, field.isEmpty() ? "json" : field, reason, e);
    }

    private static void checkExists(Path file, String field, String path, PathVariables paths) {
        Path resolved;
        try {
            resolved = paths.resolve(path);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, field, e.getMessage());
        }
        if (!Files.exists(resolved)) {
            throw new FileFormatException(file, field, resolved + " does not exist");
        }
    }

    /** Objects merge field by field; anything else (arrays, values, null) replaces. */
    static JsonNode merge(JsonNode base, JsonNode overrides) {
        if (!(base instanceof ObjectNode target) || !overrides.isObject()) {
            return overrides.deepCopy();
        }
        Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode current = target.get(f.getKey());
            target.set(f.getKey(), current != null && current.isObject() && f.getValue().isObject()
                    ? merge(current, f.getValue()) : f.getValue().deepCopy());
        }
        return target;
    }
}
