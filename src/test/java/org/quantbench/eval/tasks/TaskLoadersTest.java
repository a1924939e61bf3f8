package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every loader on real rows of the shared data (or hand-written files where the data is the user's). */
class TaskLoadersTest {

    private static Task one(String name) {
        return TaskCatalog.resolve(name, SharedData.require("data")).getFirst();
    }

    @Test
    void arcEasyAndChallenge() {
        Task easy = one("arc_easy");
        assertThat(easy.docs()).hasSize(2376);
        Doc.Choice first = (Doc.Choice) easy.docs().getFirst();
        assertThat(first.query()).isEqualTo("Question: Which statement best explains why photosynthesis is the foundation "
                + "of most food webs?\nAnswer:");
        assertThat(first.choices()).containsExactly("Sunlight is the source of energy for nearly all ecosystems.",
                "Most ecosystems are found on land instead of in water.", "Carbon dioxide is more available than other gases.",
                "The producers in all ecosystems are plants.");
        assertThat(first.gold()).isZero();
        assertThat(first.requests("", " ").getFirst()).isEqualTo(new Request(first.query(),
                " Sunlight is the source of energy for nearly all ecosystems."));
        Task challenge = one("arc_challenge");
        assertThat(challenge.docs()).hasSize(1170);
        // labels come as A-E and as 1-4 in the same file
        assertThat(challenge.docs()).allSatisfy(d -> assertThat(d.gold()).isBetween(0, d.choiceTexts().size() - 1));
        assertThat(challenge.docs().stream().mapToInt(d -> d.choiceTexts().size()).distinct().sorted().toArray())
                .containsExactly(3, 4, 5);
    }

    @Test
    void piqaPairsRowsWithTheLabelsFile() {
        Task piqa = one("piqa");
        assertThat(piqa.docs()).hasSize(1838);
        Doc.Choice first = (Doc.Choice) piqa.docs().getFirst();
        assertThat(first.query()).isEqualTo("Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:");
        assertThat(first.choices().getFirst()).startsWith("Provide the guinea pig with a cage full of a few inches of bedding made of ripped paper");
        assertThat(first.gold()).isZero();
        assertThat(piqa.docs().get(1).gold()).isEqualTo(1);
        assertThat(piqa.dataFiles()).hasSize(2);
    }

    @Test
    void winograndeScoresTheRestOfTheSentenceAfterEachOption() {
        Task wino = one("winogrande");
        assertThat(wino.docs()).hasSize(1267);
        assertThat(wino.reportsAccNorm()).isFalse();
        Doc.Fill first = (Doc.Fill) wino.docs().getFirst();
        assertThat(first.contexts()).containsExactly("Sarah was a much better surgeon than Maria so Sarah",
                "Sarah was a much better surgeon than Maria so Maria");
        assertThat(first.target()).isEqualTo("always got the easier cases.");
        assertThat(first.gold()).isEqualTo(1);
        assertThat(first.requests("", " ")).containsExactly(
                new Request("Sarah was a much better surgeon than Maria so Sarah", " always got the easier cases."),
                new Request("Sarah was a much better surgeon than Maria so Maria", " always got the easier cases."));
    }

    @Test
    void mmluSubjectsWithQuotedMultiLineCsvAndFiveShotFromDev() {
        List<Task> subjects = TaskCatalog.resolve("mmlu", SharedData.require("data"));
        assertThat(subjects).hasSize(57);
        assertThat(subjects.stream().mapToInt(t -> t.docs().size()).sum()).isEqualTo(14079);
        assertThat(subjects.stream().mapToInt(t -> t.fewShotPool().size()).sum()).isEqualTo(285);
        Task algebra = subjects.getFirst();
        assertThat(algebra.name()).isEqualTo("mmlu_abstract_algebra");
        assertThat(algebra.group()).isEqualTo("mmlu");
        Doc.Choice q = (Doc.Choice) algebra.docs().getFirst();
        assertThat(q.query()).isEqualTo("Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q."
                + "\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:");
        assertThat(q.gold()).isEqualTo(1);
        Doc.Choice quoted = (Doc.Choice) algebra.fewShotPool().get(1);
        assertThat(quoted.query()).startsWith("Statement 1 | If aH is an element of a factor group, then |aH| divides |a|.")
                .contains("\nA. True, True\nB. False, False\n");

        // a quoted field keeps its line breaks as written (this one CR LF)
        Task math = subjects.stream().filter(t -> t.name().equals("mmlu_college_mathematics")).findFirst().orElseThrow();
        assertThat(((Doc.Choice) math.fewShotPool().get(2)).query())
                .startsWith("Let A be a real 2x2 matrix. Which of the following statements must be true?\r\nI. All of the entries");

        List<Request> fiveShot = new PromptBuilder(algebra, 5, 1).requests(0);
        String context = fiveShot.getFirst().context();
        assertThat(context).startsWith("The following are multiple choice questions (with answers) about abstract algebra.\n\n"
                + "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n");
        assertThat(context).endsWith("\n\n" + q.query());
        assertThat(context.split("\nAnswer: ", -1)).hasSize(6);
        assertThat(fiveShot).extracting(Request::continuation).containsExactly(" A", " B", " C", " D");
        // the first-n examples are the same for every item
        assertThat(new PromptBuilder(algebra, 5, 99).requests(7).getFirst().context())
                .startsWith(context.substring(0, context.length() - q.query().length()));
    }

    @Test
    void seededFewShotExamplesNeverIncludeTheItemAndDependOnlyOnItsLine() {
        Task arc = one("arc_easy");
        PromptBuilder three = new PromptBuilder(arc, 3, 42);
        for (int i = 0; i < 50; i++) {
            String ctx = three.requests(i).getFirst().context();
            Doc.Choice doc = (Doc.Choice) arc.docs().get(i);
            assertThat(ctx).endsWith(doc.query());
            assertThat(ctx.substring(0, ctx.length() - doc.query().length())).doesNotContain(doc.query());
            assertThat(ctx.split("\n\n", -1)).hasSize(4);
        }
        assertThat(three.requests(5)).isEqualTo(new PromptBuilder(arc, 3, 42).requests(5));
        assertThat(three.requests(5)).isNotEqualTo(new PromptBuilder(arc, 3, 43).requests(5));
    }

    @Test
    void itemSelectionFirstNOrSeededN() {
        assertThat(new ItemSelection(3, null).select(10)).containsExactly(0, 1, 2);
        int[] drawn = new ItemSelection(4, 7L).select(100);
        assertThat(drawn).hasSize(4).isSorted().doesNotHaveDuplicates();
        assertThat(new ItemSelection(4, 7L).select(100)).containsExactly(drawn);
        assertThat(new ItemSelection(4, 8L).select(100)).isNotEqualTo(drawn);
        assertThat(new ItemSelection(50, 7L).select(10)).hasSize(10);
        assertThat(ItemSelection.ALL.select(3)).containsExactly(0, 1, 2);
    }

    @Test
    void hellaswagPreprocessingAsLmEval(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hs.jsonl");
        Files.writeString(file, """
                {"ind": 4, "activity_label": "Removing ice from car", "ctx_a": "Then, the man writes over the snow covering the window of a car, and a woman wearing winter clothes smiles.", "ctx_b": "then", "endings": [", the man adds wax to the windshield and cuts it.", ", a person board a ski lift, while two men supporting the head of the person wearing winter clothes snow as the we girls sled.", ", the man puts on a christmas coat, knitted with netting.", ", the man continues removing the snow on his car."], "label": 3}
                {"ind": 9, "activity_label": "Home and Garden", "ctx_a": "[header] How to clean a grill [title] Heat the grill.", "ctx_b": "YOU want  it hot", "endings": ["[step] Scrub it.", "Wait.", "Run.", "Sit [title] down."], "label": "0"}
                """);
        Task hs = HellaswagTask.load("hellaswag", file);
        Doc.Choice first = (Doc.Choice) hs.docs().getFirst();
        assertThat(first.query()).isEqualTo("Removing ice from car: Then, the man writes over the snow covering the window of "
                + "a car, and a woman wearing winter clothes smiles. Then");
        assertThat(first.choices().get(3)).isEqualTo(", the man continues removing the snow on his car.");
        assertThat(first.gold()).isEqualTo(3);
        Doc.Choice second = (Doc.Choice) hs.docs().get(1);
        // as Python computes it: " [title]" -> ". ", brackets dropped, capitalize() lowers the rest, double spaces halved
        assertThat(second.query()).isEqualTo("Home and Garden: How to clean a grill. Heat the grill. You want it hot");
        assertThat(second.choices()).containsExactly(" Scrub it.", "Wait.", "Run.", "Sit. down.");
        assertThat(second.gold()).isZero();
    }

    @Test
    void lambadaLastWordFromJsonlAndPlainText(@TempDir Path dir) throws IOException {
        Path jsonl = dir.resolve("l.jsonl");
        Files.writeString(jsonl, "{\"text\": \"she picked up the ball and threw it to her dog\"}\n{\"text\": \"alone\"}\n");
        Task fromJson = LambadaTask.load("lambada", jsonl);
        assertThat(fromJson.kind()).isEqualTo(TaskKind.LAST_WORD);
        assertThat(fromJson.docs().getFirst()).isEqualTo(new Doc.LastWord(1, "she picked up the ball and threw it to her", " dog"));
        assertThat(fromJson.docs().get(1).requests("", " ")).containsExactly(new Request("", " alone"));
        Path txt = dir.resolve("l.txt");
        Files.writeString(txt, "one two three\r\n\r\nfour five\n");
        assertThat(LambadaTask.load("lambada", txt).docs()).containsExactly(new Doc.LastWord(1, "one two", " three"),
                new Doc.LastWord(3, "four", " five"));
    }

    @Test
    void taskSpecOverJsonlAndCsv(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("q.jsonl"), """
                {"item": {"text": "2+2="}, "a": "4", "b": "5", "key": "A"}
                {"item": {"text": "3+3="}, "a": "7", "b": "6", "key": "B"}
                """);
        Files.writeString(dir.resolve("spec.json"), """
                {"name": "sums", "file": "q.jsonl", "context": "Q: {item.text} {{literal}}\\nA:", "choices": ["{a}", "{b}"],
                 "gold": "key", "labels": ["A", "B"], "description": "Arithmetic.\\n\\n", "target_delimiter": " "}
                """);
        Task spec = TaskSpec.load(dir.resolve("spec.json"));
        assertThat(spec.name()).isEqualTo("sums");
        Doc.Choice first = (Doc.Choice) spec.docs().getFirst();
        assertThat(first.query()).isEqualTo("Q: 2+2= {literal}\nA:");
        assertThat(first.choices()).containsExactly("4", "5");
        assertThat(spec.docs()).extracting(Doc::gold).containsExactly(0, 1);
        assertThat(new PromptBuilder(spec, 1, 3).requests(0).getFirst().context())
                .isEqualTo("Arithmetic.\n\nQ: 3+3= {literal}\nA: 6\n\nQ: 2+2= {literal}\nA:");

        Files.writeString(dir.resolve("q.csv"), "question,x,y,z,answer\n\"Pick, one\",red,\"gr\"\"een\",blue,2\n");
        Files.writeString(dir.resolve("csv.json"), """
                {"name": "colours", "file": "q.csv", "context": "{question}:", "choices": ["{x}", "{y}", "{z}"], "gold": "answer"}
                """);
        Doc.Choice row = (Doc.Choice) TaskSpec.load(dir.resolve("csv.json")).docs().getFirst();
        assertThat(row.query()).isEqualTo("Pick, one:");
        assertThat(row.choices()).containsExactly("red", "gr\"een", "blue");
        assertThat(row.gold()).isEqualTo(2);
        assertThat(row.line()).isEqualTo(2);

        Files.writeString(dir.resolve("multi.csv"), "question,x,y,answer\r\n\"Line one\r\nline two\nthree\",a,b,1\r\n");
        Files.writeString(dir.resolve("multi.json"), """
                {"name": "m", "file": "multi.csv", "context": "{question}", "choices": ["{x}", "{y}"], "gold": "answer"}
                """);
        Doc.Choice multi = (Doc.Choice) TaskSpec.load(dir.resolve("multi.json")).docs().getFirst();
        assertThat(multi.query()).isEqualTo("Line one\r\nline two\nthree");
        assertThat(multi.choices()).containsExactly("a", "b");
        assertThat(multi.line()).isEqualTo(2);

        Files.writeString(dir.resolve("nohead.csv"), "Sky?,blue,green,0\n");
        Files.writeString(dir.resolve("nohead.json"), """
                {"name": "n", "file": "nohead.csv", "csv_header": false, "context": "{0}", "choices": ["{1}", "{2}"], "gold": "3"}
                """);
        assertThat(TaskSpec.load(dir.resolve("nohead.json")).docs().getFirst().gold()).isZero();
    }
}
