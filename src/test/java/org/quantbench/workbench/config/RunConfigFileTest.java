package org.quantbench.workbench.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class RunConfigFileTest {
    @TempDir
    Path dir;

    private PathVariables paths() {
        return new PathVariables(dir, dir.resolve("shared"), () -> dir.resolve("demo"));
    }

    private Path write(String json) throws IOException {
        Files.writeString(dir.resolve("model.bin"), "x");
        Path f = dir.resolve("run.json");
        Files.writeString(f, json);
        return f;
    }

    private static final String VALID = """
            {"name": "t", "model": {"path": "model.bin", "label": "base = as stored"},
             "schemes": ["W8A16-RTN", "Q4_0", "W4A16-GPTQ-g128-sym"],
             "evaluations": {"perplexity": {"text": "a.txt", "ctx": 64}, "kld": {},
                             "tasks": {"names": ["arc_easy"], "limit": 10},
                             "throughput": {"promptTokens": 16, "genTokens": 4, "streams": [1, 2]}},
             "profiles": {"quick": {"evaluations": {"perplexity": {"maxWindows": 2}, "tasks": null}}}}
            """;

    @Test
    void readsAValidConfigAndAppliesAProfile() throws IOException {
        RunConfig c = RunConfigFile.read(write(VALID), paths());
        assertThat(c.schemes()).containsExactly("W8A16-RTN", "Q4_0", "W4A16-GPTQ-g128-sym");
        assertThat(c.evaluations().perplexity().stride()).isNull();
        assertThat(c.evaluations().kld().over(c.evaluations().perplexity()).ctx()).isEqualTo(64);
        assertThat(c.output()).isEqualTo("results/t");

        RunConfig quick = RunConfigFile.withProfile(c, "quick");
        assertThat(quick.evaluations().perplexity().maxWindows()).isEqualTo(2);
        assertThat(quick.evaluations().perplexity().ctx()).isEqualTo(64);
        assertThat(quick.evaluations().tasks()).isNull();
        assertThat(quick.evaluations().throughput().streams()).containsExactly(1, 2);
        assertThatThrownBy(() -> RunConfigFile.withProfile(c, "full")).hasMessageContaining("no profile 'full'")
                .hasMessageContaining("quick");
    }

    @Test
    void savedConfigReadsBackTheSame() throws IOException {
        RunConfig c = RunConfigFile.read(write(VALID), paths());
        Path copy = dir.resolve("copy.json");
        RunConfigFile.write(copy, c);
        assertThat(RunConfigFile.read(copy, paths())).isEqualTo(c);
    }

    @Test
    void unknownSchemeNamesFileAndIndex() throws IOException {
        Path f = write(VALID.replace("\"Q4_0\", \"W4A16", "\"Q4_0\", \"W5A16-FOO\", \"W4A16"));
        assertThatThrownBy(() -> RunConfigFile.read(f, paths())).isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith(f + ": schemes[2]: ").hasMessageContaining("unknown scheme 'W5A16-FOO'");
    }

    @Test
    void missingModelNamesTheField() throws IOException {
        Path f = write(VALID.replace("model.bin", "nowhere.bin"));
        assertThatThrownBy(() -> RunConfigFile.read(f, paths())).isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith(f + ": model.path: ").hasMessageContaining("nowhere.bin does not exist");
    }

    @Test
    void brokenFieldsNameTheirPath() throws IOException {
        assertError(VALID.replace("\"ctx\": 64", "\"ctx\": \"sixty\""), "evaluations.perplexity.ctx");
        assertError(VALID.replace("\"ctx\": 64", "\"ctx\": 1"), "evaluations.perplexity.ctx", "at least 2");
        assertError(VALID.replace("\"limit\": 10", "\"limit\": 10, \"limt\": 3"), "evaluations.tasks.limt", "unknown field");
        assertError(VALID.replace("\"streams\": [1, 2]", "\"streams\": [1, 0]"), "evaluations.throughput.streams[1]");
        assertError(VALID.replace("\"maxWindows\": 2", "\"maxWindows\": -2"),
                "profiles.quick.evaluations.perplexity.maxWindows");
        assertError(VALID.replace("\"name\": \"t\",", ""), "name", "required");
        assertError(VALID.replace("\"text\": \"a.txt\", ", ""), "evaluations.perplexity.text", "required");
        assertError(VALID.replace("model.bin", "${NOPE}/m.bin"), "model.path", "unknown variable ${NOPE}");
        assertError(VALID.replace("\"t\",", "\"t\", \"name\": \"u\","), "json", "Duplicate field");
        assertError("{\"name\": \"t\", ", "json", "not valid JSON");
        assertError(VALID.replace("\"limit\": 10", "\"samples\": {\"mmlu\": 100}"), "evaluations.tasks.samples.mmlu",
                "names no task", "[arc_easy]");
        assertError(VALID.replace("\"limit\": 10", "\"samples\": {\"arc_easy\": 0}"), "evaluations.tasks.samples.arc_easy",
                "at least 1");
    }

    @Test
    void perTaskSamplesReadBackAndMatchTaskNamesWithPaths() throws IOException {
        Path f = write(VALID.replace("\"names\": [\"arc_easy\"], \"limit\": 10",
                "\"names\": [\"arc_easy\", \"mmlu=data/mmlu\"], \"limit\": 10, \"samples\": {\"mmlu\": 1000}"));
        TaskSettings tasks = RunConfigFile.read(f, paths()).evaluations().tasks();
        assertThat(tasks.sampleOf("mmlu")).isEqualTo(1000);
        assertThat(tasks.sampleOf("arc_easy")).isZero();
        Path copy = dir.resolve("copy.json");
        RunConfigFile.write(copy, RunConfigFile.read(f, paths()));
        assertThat(RunConfigFile.read(copy, paths()).evaluations().tasks().samples()).containsExactly(entry("mmlu", 1000));
    }

    private void assertError(String json, String field, String... reasons) throws IOException {
        Path f = write(json);
        assertThatThrownBy(() -> RunConfigFile.read(f, paths())).isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith(f + ": " + field + ": ")
                .satisfies(e -> {
                    for (String r : reasons) {
                        assertThat(e.getMessage()).contains(r);
                    }
                });
    }

    @Test
    void substitutesVariablesAndResolvesAgainstTheBaseDir() {
        PathVariables p = paths();
        assertThat(p.resolve("${QUANTBENCH_SHARED}/data/x")).isEqualTo(dir.resolve("shared/data/x"));
        assertThat(p.resolve("${DEMO}/stories260K.bin")).isEqualTo(dir.resolve("demo/stories260K.bin"));
        assertThat(p.resolve("rel/x")).isEqualTo(dir.resolve("rel/x"));
        assertThat(p.resolve("/abs/x")).isEqualTo(Path.of("/abs/x"));
    }
}
