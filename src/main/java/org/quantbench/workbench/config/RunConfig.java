package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.SchemeNames;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A comparison run as a JSON file (schema: docs/run-config.md): the model, the schemes to compare with it (the base
 * is always measured too), what to measure, and named profiles that override parts of it ({@code quick}, {@code full},
 * {@code ci}). Read and written by {@link RunConfigFile}; a profile is applied with {@link RunConfigFile#withProfile}.
 *
 * @param quantizeLmHead quantize lm_head too (default: it keeps its stored dtype)
 * @param threads        compute threads (null: all cores)
 * @param seed           seed of everything random in the run (throughput prompts; task sampling unless set there)
 * @param output         folder of the exported tables and charts (default {@code results/<name>}, relative to the
 *                       working directory)
 * @param profiles       name -> a partial config merged over this one (objects merge field by field, anything else
 *                       replaces; JSON null removes)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunConfig(String name, ModelSource model, List<String> schemes, Boolean quantizeLmHead,
                        CalibrationSettings calibration, Evaluations evaluations, Integer threads, Long seed,
                        String output, Map<String, JsonNode> profiles) {

    public RunConfig {
        if (name == null || name.isBlank()) {
            throw new ConfigFieldException("name", "is required");
        }
        if (model == null) {
            throw new ConfigFieldException("model", "is required: {\"path\": ...}");
        }
        schemes = schemes == null ? List.of() : List.copyOf(schemes);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < schemes.size(); i++) {
            String s = schemes.get(i);
            if (s == null || s.isBlank()) {
                throw new ConfigFieldException("schemes[" + i + "]", "is empty");
            }
            if (s.strip().equalsIgnoreCase(ModelIdentity.BASE)) {
                throw new ConfigFieldException("schemes[" + i + "]", "'base' is always measured; list only schemes");
            }
            Scheme parsed;
            try {
                parsed = SchemeNames.parse(s);
            } catch (IllegalArgumentException e) {
                throw new ConfigFieldException("schemes[" + i + "]", e.getMessage());
            }
            if (!seen.add(parsed.name())) {
                throw new ConfigFieldException("schemes[" + i + "]", "'" + s + "' is listed twice");
            }
        }
        quantizeLmHead = quantizeLmHead != null && quantizeLmHead;
        evaluations = evaluations == null ? Evaluations.NONE : evaluations;
        if (threads != null && threads < 1) {
            throw new ConfigFieldException("threads", "must be at least 1, got " + threads);
        }
        seed = seed == null ? 1234L : seed;
        output = output == null || output.isBlank() ? "results/" + fileSafe(name) : output;
        profiles = profiles == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /** The schemes, parsed (each name was checked when the config was built). */
    public List<Scheme> parsedSchemes() {
        List<Scheme> out = new ArrayList<>(schemes.size());
        schemes.forEach(s -> out.add(SchemeNames.parse(s)));
        return out;
    }

    public RunConfig withSchemes(List<String> names) {
        return new RunConfig(name, model, names, quantizeLmHead, calibration, evaluations, threads, seed, output, profiles);
    }

    public RunConfig withEvaluations(Evaluations e) {
        return new RunConfig(name, model, schemes, quantizeLmHead, calibration, e, threads, seed, output, profiles);
    }

    public RunConfig withOutput(String folder) {
        return new RunConfig(name, model, schemes, quantizeLmHead, calibration, evaluations, threads, seed, folder, profiles);
    }

    static String fileSafe(String s) {
        return s.strip().replaceAll("[^A-Za-z0-9._-]+", "-");
    }
}
