package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.ComputePool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A three-item task whose answers are forced: a continuation stories260K has seen thousands of times against
 * byte-level gibberish, with the gold answer first, second and third.
 */
class KnownAnswersTest {

    @Test
    void storiesModelFindsTheStoryContinuationEveryTime(@TempDir Path dir) throws IOException {
        Path items = dir.resolve("three.jsonl");
        Files.writeString(items, """
                {"q": "Once upon a time, there was a little girl named Lily. She", "choices": ["liked to play with her toys.", "qzx vbj kwq xzv.", "xqz jjv qqk vzx."], "answer": 0}
                {"q": "Tom and his mom went to the park. They", "choices": ["zzq xkv qqj.", "played on the swings and had fun.", "vvq zxj kqq."], "answer": 1}
                {"q": "The little dog was very", "choices": ["xjq", "zqv", "happy"], "answer": 2}
                """);
        Path spec = dir.resolve("three.json");
        Files.writeString(spec, """
                {"name": "three", "file": "three.jsonl", "context": "{q}", "choices_field": "choices", "gold": "answer"}
                """);
        Task task = TaskSpec.load(spec);
        try (ComputePool pool = new ComputePool(1)) {
            TaskResult r = TaskRunner.onModel(Stories260K.model(), Stories260K.tokenizer(), pool, 1)
                    .run(task, 0, 1, ItemSelection.ALL, null);
            assertThat(r.complete()).as(r.error()).isTrue();
            assertThat(r.items()).extracting(ItemScore::pred).containsExactly(0, 1, 2);
            assertThat(r.metric("acc").value()).isEqualTo(1.0);
            assertThat(r.metric("acc").stderr()).isEqualTo(0.0);
            assertThat(r.metric("acc_norm").value()).isEqualTo(1.0);
            assertThat(r.itemsInFile()).isEqualTo(3);
        }
    }
}
