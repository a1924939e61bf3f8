package org.quantbench.tensor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.ArrayAlignment;
import org.quantbench.tensor.VectorSupport;

class MachineInfoTest {

    @Test
    void readsTheFirstModelName(@TempDir Path dir) throws IOException {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), """
                processor\t: 0
                vendor_id\t: AuthenticAMD
                model\t\t: 17
                model name\t: AMD EPYC 9B45
                processor\t: 1
                model name\t: something else
                """);
        assertThat(MachineInfo.cpuModel(cpuinfo)).isEqualTo("AMD EPYC 9B45");
    }

    @Test
    void unknownWhenAbsentUnreadableOrWithoutModel(@TempDir Path dir) throws IOException {
        assertThat(MachineInfo.cpuModel(dir.resolve("missing"))).isEqualTo("unknown");
        assertThat(MachineInfo.cpuModel(Files.writeString(dir.resolve("arm"), "processor : 0\nCPU part : 0xd0c\n")))
                .isEqualTo("unknown");
        assertThat(MachineInfo.cpuModel(Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 10})))
                .isEqualTo("unknown");
    }

    @Test
    void currentDescribesThisJvm() {
        MachineInfo info = MachineInfo.current();
        assertThat(info.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(info.cpuModel()).isNotBlank();
        assertThat(info.vectorBits()).isEqualTo(VectorSupport.bits());
        assertThat(info.alignedLoads()).isEqualTo(ArrayAlignment.known());
        assertThat(info.vectors()).isEqualTo(VectorSupport.bits() + "-bit vectors, line-aligned loads");
        assertThat(info.jdk()).contains(Runtime.version().toString());
        assertThat(info.os()).contains(System.getProperty("os.arch"));
    }
}
