package org.quantbench.tensor.probe;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcessMemoryTest {

    @Test
    void parsesKibibyteFieldsAndRejectsOddOnes() {
        String status = "Name:\tjava\nVmHWM:\t  412340 kB\nVmRSS:\t 1024 kB\nVmOdd:\t12 MB\n";
        assertThat(ProcessMemory.parse(status, "VmHWM:")).hasValue(412340L * 1024);
        assertThat(ProcessMemory.parse(status, "VmRSS:")).hasValue(1024L * 1024);
        assertThat(ProcessMemory.parse(status, "VmOdd:")).isEmpty();
        assertThat(ProcessMemory.parse(status, "VmSwap:")).isEmpty();
    }

    @Test
    void peakIsAtLeastTheCurrentResidentSetOnLinux() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc/self/status on this system");
        long rss = ProcessMemory.rssBytes().orElseThrow();
        assertThat(ProcessMemory.peakRssBytes().orElseThrow()).isGreaterThanOrEqualTo(rss).isPositive();
    }
}
