package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.quant.CacheLayouts;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache listing on a folder laid out as the store writes it ({@link CacheLayouts#sample}): a finished entry, a
 * calibration run's unfinished folder with a saved place, and a temporary folder a killed one-shot quantization left.
 */
class CacheCommandTest {

    @Test
    void listsEntriesAndUnfinishedRunsWithTheirState(@TempDir Path cache) throws Exception {
        CacheLayouts.sample(cache);
        CliRun r = CliRun.of("cache", "--cache", cache.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[1]).contains("0123456789abcdef").contains("W4A16-RTN-g128-sym ").contains("2.00 KiB");
        assertThat(r.out()).contains("W4A16-GPTQ-g128-sym+calib-x.partial")
                .contains("(unfinished: 3 of 30 layers saved; the same quantization continues it)")
                .contains("NF4.tmp123").contains("left by a quantization that stopped")
                .contains("3 entries (2 unfinished)");
    }

    @Test
    void deletesByNameOrEveryUnfinishedFolder(@TempDir Path cache) throws Exception {
        Path model = CacheLayouts.sample(cache);
        CliRun unknown = CliRun.of("cache", "--cache", cache.toString(), "--delete", "NF4");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--delete NF4: no such entry");

        CliRun unfinished = CliRun.of("cache", "--cache", cache.toString(), "--delete-unfinished");
        assertThat(unfinished.exit()).as(unfinished.err()).isZero();
        assertThat(unfinished.out()).contains("deleted").contains("1 entries (0 unfinished)");
        assertThat(Files.exists(model.resolve("NF4.tmp123"))).isFalse();

        CliRun named = CliRun.of("cache", "--cache", cache.toString(), "--delete", "W4A16-RTN-g128-sym");
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(named.out()).contains("(empty)").contains("0 entries");
    }
}
