package org.quantbench.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VectorSupportTest {

    @Test
    void preferredWidthOf256OrMoreIsUsedSilently() {
        assertThat(VectorSupport.select(null, true, 512)).isEqualTo(new VectorSupport.Selection(512, null));
        assertThat(VectorSupport.select("  ", true, 256)).isEqualTo(new VectorSupport.Selection(256, null));
    }

    @Test
    void narrowPreferredWidthWarns() {
        VectorSupport.Selection selection = VectorSupport.select(null, true, 128);
        assertThat(selection.bits()).isEqualTo(128);
        assertThat(selection.warning()).contains("only 128 bits", "on this CPU");
    }

    @Test
    void propertyForcesANarrowerWidthOrScalar() {
        assertThat(VectorSupport.select("256", true, 512)).isEqualTo(new VectorSupport.Selection(256, null));
        VectorSupport.Selection narrow = VectorSupport.select("128", true, 512);
        assertThat(narrow.bits()).isEqualTo(128);
        assertThat(narrow.warning()).contains("forced by -Dquantbench.vector.bits=128");
        VectorSupport.Selection scalar = VectorSupport.select(" 0 ", true, 512);
        assertThat(scalar.bits()).isZero();
        assertThat(scalar.warning()).contains("disabled", "scalar");
    }

    @Test
    void propertyCannotWidenBeyondTheCpuOrTakeOddValues() {
        VectorSupport.Selection wider = VectorSupport.select("512", true, 256);
        assertThat(wider.bits()).isEqualTo(256);
        assertThat(wider.warning()).contains("ignoring", "widest float vectors are 256 bits");
        VectorSupport.Selection odd = VectorSupport.select("300", true, 128);
        assertThat(odd.bits()).isEqualTo(128);
        assertThat(odd.warning()).contains("ignoring", "300", "only 128 bits");
    }

    @Test
    void missingModuleMeansScalarWhateverTheProperty() {
        VectorSupport.Selection selection = VectorSupport.select("256", false, 0);
        assertThat(selection.bits()).isZero();
        assertThat(selection.warning()).contains("Vector API unavailable", "--add-modules jdk.incubator.vector");
    }

    @Test
    void runningConfigurationIsConsistent() {
        if (VectorSupport.enabled()) {
            assertThat(VectorSupport.floatSpecies().vectorBitSize()).isEqualTo(VectorSupport.bits());
        } else {
            assertThat(VectorSupport.bits()).isZero();
            assertThatThrownBy(VectorSupport::floatSpecies).isInstanceOf(IllegalStateException.class);
        }
    }

    /** The real start-up path, in fresh JVMs: the property is honoured and the warning reaches the log. */
    @Test
    void freshJvmHonoursThePropertyAndWarnsLoudly() throws Exception {
        Launch forced = launch(true, "128");
        assertThat(forced.stdout()).isEqualTo("true 128");
        assertThat(forced.stderr()).contains("WARNING", "only 128 bits wide");

        Launch withoutModule = launch(false, null);
        assertThat(withoutModule.stdout()).isEqualTo("false 0");
        assertThat(withoutModule.stderr()).contains("WARNING", "Vector API unavailable");
    }

    record Launch(String stdout, String stderr) {}

    private static Launch launch(boolean withModule, String bits) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withModule) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        if (bits != null) {
            command.add("-D" + VectorSupport.BITS_PROPERTY + "=" + bits);
        }
        command.add("-cp");
        command.add(codeSource(VectorSupport.class) + java.io.File.pathSeparator + codeSource(PrintSelection.class));
        command.add(PrintSelection.class.getName());
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit of child JVM, stderr: %s", err).isZero();
        return new Launch(out, err);
    }

    private static String codeSource(Class<?> type) throws IOException {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** Entry point of the child JVMs. */
    public static final class PrintSelection {
        public static void main(String[] args) {
            System.out.println(VectorSupport.enabled() + " " + VectorSupport.bits());
        }
    }
}
