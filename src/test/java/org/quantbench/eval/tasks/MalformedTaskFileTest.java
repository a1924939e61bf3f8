package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile task files fail with a {@link FileFormatException} naming the file and the line. */
class MalformedTaskFileTest {
    private static final String GOOD_ARC = "{\"question\": {\"stem\": \"Q?\", \"choices\": [{\"text\": \"a\", \"label\": \"A\"}, "
            + "{\"text\": \"b\", \"label\": \"B\"}]}, \"answerKey\": \"A\"}\n";

    private static void assertFails(Path file, Function<Path, Task> loader, String field, String reason) {
        assertThatThrownBy(() -> loader.apply(file)).isInstanceOf(FileFormatException.class)
                .satisfies(e -> {
                    FileFormatException f = (FileFormatException) e;
                    assertThat(f.file()).isEqualTo(file);
                    assertThat(f.field()).isEqualTo(field);
                })
                .hasMessageContaining(file.toString()).hasMessageContaining(reason);
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void arcRowsWithMissingFieldsEmptyChoicesOrAnUnknownAnswer(@TempDir Path dir) throws IOException {
        Function<Path, Task> arc = f -> ArcTask.load("arc", f);
        assertFails(write(dir, "a.jsonl", GOOD_ARC + "\n{\"question\": {\"stem\": \"Q?\"}, \"answerKey\": \"A\"}\n"),
                arc, "line 3", "missing field 'question.choices'");
        assertFails(write(dir, "b.jsonl", GOOD_ARC + "{\"question\": {\"stem\": \"Q?\", \"choices\": []}, \"answerKey\": \"A\"}\n"),
                arc, "line 2", "the choice list is empty");
        assertFails(write(dir, "c.jsonl", GOOD_ARC.replace("\"answerKey\": \"A\"", "\"answerKey\": \"E\"")),
                arc, "line 1", "answerKey 'E' is not one of the labels [A, B]");
        assertFails(write(dir, "d.jsonl", GOOD_ARC + GOOD_ARC.replace("\"stem\": \"Q?\"", "\"stem\": 7")),
                arc, "line 2", "field 'question.stem' must be a string");
        assertFails(write(dir, "e.jsonl", GOOD_ARC + "{\"question\": \n"), arc, "line 2", "is not valid JSON");
        assertFails(write(dir, "f.jsonl", "[1, 2]\n"), arc, "line 1", "is not a JSON object");
        assertFails(write(dir, "g.jsonl", GOOD_ARC.strip() + " {}\n"), arc, "line 1", "more than one JSON value");
        assertFails(write(dir, "h.jsonl", GOOD_ARC.replace("\"text\": \"b\"", "\"text\": \"\"")), arc, "line 1", "choice 1 is empty");
    }

    @Test
    void invalidUtf8IsReportedOnItsLine(@TempDir Path dir) throws IOException {
        byte[] bad = (GOOD_ARC + GOOD_ARC.replace("Q?", "Q\u00ff?")).getBytes(StandardCharsets.UTF_8);
        // replace the 2-byte UTF-8 of U+00FF by a lone continuation byte
        byte[] hostile = new String(bad, StandardCharsets.ISO_8859_1).replace("Q\u00c3\u00bf?", "Q\u00bf?")
                .getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("utf8.jsonl");
        Files.write(file, hostile);
        assertFails(file, f -> ArcTask.load("arc", f), "line 2", "is not valid UTF-8");
        Path csv = Files.createDirectories(dir.resolve("test")).resolve("utf8_test.csv");
        Files.write(csv, new byte[] {'q', ',', 'a', ',', 'b', ',', 'c', ',', 'd', ',', 'A', '\n', 'q', ',', (byte) 0xC3, ',', 'b', ',', 'c', ',', 'd', ',', 'A', '\n'});
        assertFails(csv, f -> MmluTask.load(dir, "test", "utf8"), "line 2", "is not valid UTF-8");
    }

    @Test
    void aHundredMegabyteLineIsRefusedAfterTheFirstMegabyte(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge.jsonl");
        Files.writeString(file, GOOD_ARC + "{\"question\": {\"stem\": \"");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(100L << 20);  // sparse: no 100 MB written, and the reader must not read it all either
        }
        assertFails(file, f -> ArcTask.load("arc", f), "line 2", "is longer than 1048576 bytes");
        assertThat(Files.size(file)).isEqualTo(100L << 20);
    }

    @Test
    void piqaLabelsOutOfRangeOrNotMatchingTheRows(@TempDir Path dir) throws IOException {
        String row = "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\"}\n";
        Path rows = write(dir, "valid.jsonl", row + row);
        Path labels = write(dir, "valid-labels.lst", "0\n2\n");
        assertFails(labels, f -> PiqaTask.load("piqa", rows, f), "line 2", "label '2' is out of range (0 or 1)");
        write(dir, "valid-labels.lst", "0\n");
        assertFails(labels, f -> PiqaTask.load("piqa", rows, f), "labels", "holds 1 labels for the 2 rows");
        write(dir, "valid-labels.lst", "0\n\n1\n");
        assertFails(labels, f -> PiqaTask.load("piqa", rows, f), "line 2", "is blank");
        Path missing = write(dir, "m.jsonl", "{\"goal\": \"g\", \"sol1\": \"a\"}\n");
        write(dir, "one.lst", "1\n");
        assertFails(missing, f -> PiqaTask.load("piqa", f, dir.resolve("one.lst")), "line 1", "missing field 'sol2'");
    }

    @Test
    void winograndeWithoutBlankOrAnswer(@TempDir Path dir) throws IOException {
        Function<Path, Task> wino = f -> WinograndeTask.load("w", f);
        assertFails(write(dir, "a.jsonl", "{\"sentence\": \"no blank here.\", \"option1\": \"x\", \"option2\": \"y\", \"answer\": \"1\"}\n"),
                wino, "line 1", "no blank");
        assertFails(write(dir, "b.jsonl", "{\"sentence\": \"A _ b.\", \"option1\": \"x\", \"option2\": \"y\", \"answer\": \"\"}\n"),
                wino, "line 1", "answer is empty");
        assertFails(write(dir, "c.jsonl", "{\"sentence\": \"A _ b.\", \"option1\": \"x\", \"option2\": \"y\", \"answer\": \"3\"}\n"),
                wino, "line 1", "answer '3' is not one of the labels [1, 2]");
    }

    @Test
    void mmluCsvWithWrongFieldCountBadAnswerOrUnclosedQuote(@TempDir Path dir) throws IOException {
        Path test = Files.createDirectories(dir.resolve("test"));
        Function<Path, Task> mmlu = f -> MmluTask.load(dir, "test", f.getFileName().toString().replace("_test.csv", ""));
        assertFails(write(test, "a_test.csv", "q,1,2,3,4,A\nq,1,2,3,A\n"), mmlu, "line 2", "has 5 fields, expected 6");
        assertFails(write(test, "b_test.csv", "q,1,2,3,4,E\n"), mmlu, "line 1", "answer 'E' is not one of the labels");
        assertFails(write(test, "c_test.csv", "q,1,2,3,4,A\n\"open,1,2,3,4,A\nmore\n"), mmlu, "line 2", "not closed before the end");
        assertFails(write(test, "d_test.csv", "\"q\"x,1,2,3,4,A\n"), mmlu, "line 1", "closing quote is followed by text");
    }

    @Test
    void hellaswagLabelOutOfRangeAndLambadaEmptyPassage(@TempDir Path dir) throws IOException {
        assertFails(write(dir, "h.jsonl", "{\"activity_label\": \"a\", \"ctx_a\": \"b\", \"ctx_b\": \"c\", \"endings\": [\"x\", \"y\"], \"label\": 2}\n"),
                f -> HellaswagTask.load("h", f), "line 1", "label 2 is out of range for 2 choices");
        assertFails(write(dir, "h2.jsonl", "{\"activity_label\": \"a\", \"ctx_a\": \"b\", \"ctx_b\": \"c\", \"endings\": [\"x\", 3], \"label\": 0}\n"),
                f -> HellaswagTask.load("h", f), "line 1", "field 'endings[1]' must be a string");
        assertFails(write(dir, "l.jsonl", "{\"text\": \"a b\"}\n{\"text\": \"\"}\n"), f -> LambadaTask.load("l", f),
                "line 2", "the passage is empty");
    }

    @Test
    void taskSpecsWithUnknownKeysBadTemplatesOrRowsMissingTheirFields(@TempDir Path dir) throws IOException {
        write(dir, "d.jsonl", "{\"q\": \"x\", \"a\": \"1\", \"b\": \"2\", \"g\": 0}\n{\"q\": \"y\", \"a\": \"1\", \"g\": 1}\n");
        Path typo = write(dir, "typo.json", "{\"name\": \"t\", \"file\": \"d.jsonl\", \"context\": \"{q}\", \"choices\": [\"{a}\", \"{b}\"], \"gold\": \"g\", \"glod\": 1}");
        assertFails(typo, TaskSpec::load, "glod", "is not a task spec key");
        Path brace = write(dir, "brace.json", "{\"name\": \"t\", \"file\": \"d.jsonl\", \"context\": \"{q\", \"choices\": [\"{a}\", \"{b}\"], \"gold\": \"g\"}");
        assertFails(brace, TaskSpec::load, "context", "is not closed");
        Path both = write(dir, "both.json", "{\"name\": \"t\", \"file\": \"d.jsonl\", \"context\": \"{q}\", \"choices\": [\"{a}\", \"{b}\"], \"choices_field\": \"c\", \"gold\": \"g\"}");
        assertFails(both, TaskSpec::load, "choices", "exactly one of");
        Path ok = write(dir, "ok.json", "{\"name\": \"t\", \"file\": \"d.jsonl\", \"context\": \"{q}\", \"choices\": [\"{a}\", \"{b}\"], \"gold\": \"g\"}");
        assertFails(dir.resolve("d.jsonl"), f -> TaskSpec.load(ok), "line 2", "missing field 'b'");
        write(dir, "d.jsonl", "{\"q\": \"x\", \"a\": \"1\", \"b\": \"2\", \"g\": 5}\n");
        assertFails(dir.resolve("d.jsonl"), f -> TaskSpec.load(ok), "line 1", "gold 5 is out of range for 2 choices");
    }
}
