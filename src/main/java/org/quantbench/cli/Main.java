package org.quantbench.cli;

import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.SoftwareVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line entry point: every subcommand runs headless on the same core as the GUI. */
@Command(name = "quantbench", mixinStandardHelpOptions = true, version = "QuantBench " + SoftwareVersion.VERSION,
        description = "Quantize, evaluate and compare LLM checkpoints.",
        subcommands = {InfoCommand.class, GenerateCommand.class, PerplexityCommand.class, BenchCommand.class, QuantizeCommand.class,
                SynthCommand.class, ConvertCommand.class, EvalCommand.class, KldCommand.class, RunCommand.class, BenchEvalCommand.class, BenchHessianCommand.class,
                ModelsCommand.class, DownloadCommand.class, MemoryCommand.class, CacheCommand.class, ResultsCommand.class})
public final class Main {

    public static void main(String[] args) {
        // Commands draw charts off screen: a display is neither needed nor touched.
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // Bad input is the user's to fix: show the reason, not a stack trace.
            if (e instanceof FileFormatException || e instanceof IllegalArgumentException
                    || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
