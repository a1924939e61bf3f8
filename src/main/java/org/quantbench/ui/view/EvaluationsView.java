package org.quantbench.ui.view;

import javafx.collections.FXCollections;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TextField;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.quantbench.ui.viewmodel.EvaluationsViewModel;
import org.quantbench.ui.viewmodel.Page;
import org.quantbench.ui.viewmodel.TaskChoice;

/** The Evaluations page: perplexity and KLD, tasks, throughput, calibration and run settings. */
final class EvaluationsView {
    private final VBox root;

    EvaluationsView(EvaluationsViewModel vm) {
        root = Forms.page(Page.EVALUATIONS.title(), Page.EVALUATIONS.summary());

        GridPane ppl = Forms.grid();
        CheckBox pplOn = new CheckBox("perplexity");
        pplOn.setId("eval-perplexity");
        pplOn.selectedProperty().bindBidirectional(vm.perplexityProperty());
        CheckBox kldOn = new CheckBox("KL divergence vs the base");
        kldOn.setId("eval-kld");
        kldOn.selectedProperty().bindBidirectional(vm.kldProperty());
        Forms.row(ppl, "Measure", new HBox(16, pplOn, kldOn), "Both score the same token windows; KLD gives mean, p99 and top-1 agreement against the base");
        Forms.row(ppl, "Text", Forms.pathField(vm.textFileProperty(), "eval-text", "Choose the evaluation text", false,
                new FileChooser.ExtensionFilter("Text", "*.txt", "*.raw"), new FileChooser.ExtensionFilter("All files", "*")),
                "The evaluation text, e.g. WikiText-2's wiki.test.raw (never the calibration text)");
        Forms.row(ppl, "Context", Forms.number(vm.ctx(), "eval-ctx"), "Tokens per window (512 in the seed studies)");
        var stride = Forms.number(vm.stride(), "eval-stride");
        stride.setPromptText("= context");
        Forms.row(ppl, "Stride", stride,
                "Tokens between window starts; blank or equal to the context means non-overlapping windows");
        ChoiceBox<EvaluationsViewModel.Bos> bos = new ChoiceBox<>(FXCollections.observableArrayList(EvaluationsViewModel.Bos.values()));
        bos.setId("eval-bos");
        bos.valueProperty().bindBidirectional(vm.bosProperty());
        Forms.row(ppl, "BOS first", bos, "Start each window with BOS: as the tokenizer's add_bos_token says, always, or never");
        Forms.row(ppl, "Max tokens", Forms.number(vm.maxTokens(), "eval-max-tokens"), "Tokens taken from each document; blank takes all");
        Forms.row(ppl, "Max windows", Forms.number(vm.maxWindows(), "eval-max-windows"), "Blank scores every window");
        Forms.row(ppl, "Max bytes", Forms.number(vm.maxBytes(), "eval-max-bytes"), "Read only the start of the text; blank reads all");
        TextField split = Forms.text(vm.splitProperty(), "eval-split");
        split.setPromptText("none: one document, e.g. <|endoftext|>");
        Forms.row(ppl, "Document separator", split,
                "A line that separates documents; each is stripped and scored alone (story by story in the demo)");
        Label kldNote = new Label();
        kldNote.setId("eval-kld-note");
        kldNote.getStyleClass().add("muted");
        kldNote.setWrapText(true);
        kldNote.textProperty().bind(vm.kldNoteProperty());

        FlowPane taskBoxes = new FlowPane(14, 8);
        for (TaskChoice t : vm.tasks()) {
            CheckBox box = new CheckBox(t.name());
            box.setMnemonicParsing(false);
            box.setId("task-" + t.name());
            box.selectedProperty().bindBidirectional(t.selected());
            box.setTooltip(Forms.tip(t.description()));
            taskBoxes.getChildren().add(box);
        }
        GridPane tasks = Forms.grid();
        Forms.row(tasks, "Tasks", taskBoxes, "lm-eval-style multiple choice; acc, acc_norm and their standard errors");
        Forms.row(tasks, "Items per task", Forms.number(vm.taskLimit(), "eval-limit"), "Blank runs every item");
        TextField other = Forms.text(vm.otherTasksProperty(), "eval-other-tasks");
        other.setPromptText("e.g. mmlu_anatomy, mytask=data/my.jsonl, spec:task.json");
        Forms.row(tasks, "Other tasks", other, "Comma-separated: an MMLU subject, NAME=PATH of a data file, or spec:PATH of a JSON task spec");
        var sample = Forms.number(vm.sampleSeed(), "eval-sample-seed");
        sample.setPromptText("first items");
        Forms.row(tasks, "Sample seed", sample, "Draw the limited items at random with this seed (the same items in every run); blank takes the first ones");
        TextField sampled = Forms.text(vm.taskSamplesProperty(), "eval-task-samples");
        sampled.setPromptText("e.g. mmlu=1000");
        Forms.row(tasks, "Sampled tasks", sampled, "TASK=N draws N items of that task at random with the sample seed instead of"
                + " the items per task; a group (mmlu) across all its subjects, each in proportion to its size");
        Forms.row(tasks, "Few-shot", Forms.number(vm.numFewshot(), "eval-fewshot"), "Examples before each question; blank is 0-shot");
        Forms.row(tasks, "Batch", Forms.number(vm.taskBatch(), "eval-task-batch"), "Items scored at once; scores do not depend on it (blank: 1)");
        Forms.row(tasks, "Data folder", Forms.pathField(vm.dataDirProperty(), "eval-data", "Choose the task data folder", true),
                "Laid out like ../shared/data (arc/, piqa/, winogrande/, mmlu/); blank uses $QUANTBENCH_SHARED/data");

        GridPane tp = Forms.grid();
        CheckBox tpOn = new CheckBox("prefill and decode tokens/s");
        tpOn.selectedProperty().bindBidirectional(vm.throughputProperty());
        Forms.row(tp, "Measure", tpOn, "Median of the repeats, 1 stream and N parallel streams");
        Forms.row(tp, "Prompt tokens", Forms.number(vm.promptTokens(), "eval-prompt"), "Prefill length");
        Forms.row(tp, "Generated tokens", Forms.number(vm.genTokens(), "eval-gen"), "Decode length");
        TextField streams = Forms.text(vm.streamsProperty(), "eval-streams");
        streams.setPrefColumnCount(8);
        streams.setMaxWidth(140);
        Forms.row(tp, "Streams", streams, "Stream counts to measure, e.g. 1, 4: one sequence, then N in a batched decode");
        Forms.row(tp, "Repeats", Forms.number(vm.repeats(), "eval-repeats"), "The median of this many runs is reported");
        Forms.row(tp, "Warm-up runs", Forms.number(vm.warmup(), "eval-warmup"), "Runs before the measured ones (JIT, caches)");

        GridPane cal = Forms.grid();
        Forms.row(cal, "Calibration text", Forms.pathField(vm.calibrationFileProperty(), "cal-file", "Choose the calibration text", false),
                "For GPTQ, AWQ, SmoothQuant, AutoRound and AQLM; never the evaluation split");
        Forms.row(cal, "Samples", Forms.number(vm.calibrationSamples(), "cal-samples"), "Calibration sequences");
        Forms.row(cal, "Tokens per sample", Forms.number(vm.calibrationTokens(), "cal-tokens"), "Length of each sequence");
        Forms.row(cal, "Calibration seed", Forms.number(vm.calibrationSeed(), "cal-seed"), "Picks the calibration samples");
        Forms.row(cal, "Threads", Forms.number(vm.threads(), "run-threads"), "Blank uses every core; results do not depend on it");
        Forms.row(cal, "Seed", Forms.number(vm.seed(), "run-seed"), "Seed of the throughput prompts");

        Label problems = new Label();
        problems.setId("eval-problems");
        problems.getStyleClass().add("error-text");
        problems.setWrapText(true);
        vm.problems().addListener((javafx.collections.ListChangeListener<String>) c ->
                problems.setText(String.join("\n", vm.problems())));
        problems.setText(String.join("\n", vm.problems()));

        HBox top = new HBox(14, Forms.card("Perplexity and KL divergence", ppl, kldNote), Forms.card("Throughput", tp));
        top.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
        HBox bottom = new HBox(14, Forms.card("Tasks", tasks), Forms.card("Calibration and run", cal));
        bottom.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
        VBox content = new VBox(14, top, bottom, problems);
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        root.getChildren().add(scroll);
    }

    VBox root() { return root; }
}
