package org.quantbench.testing;

import org.quantbench.workbench.results.ResultStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process (a second JVM) holding a results database open, as a second QuantBench window or a running
 * {@code run} would: in one JVM H2 shares the file, so the lock can only be tested across processes.
 */
public final class ResultStoreHolder implements AutoCloseable {
    private final Process process;

    private ResultStoreHolder(Process process) {
        this.process = process;
    }

    /** Starts the holder and returns once it has opened the database in {@code dir}. */
    public static ResultStoreHolder hold(Path dir) throws IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ResultStoreHolder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("holding")) {
            // JVM warnings before the signal
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("the holder process ended before it opened " + dir);
        }
        return new ResultStoreHolder(p);
    }

    /** Closing the holder's input lets it close the database and exit. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The holder process: opens the database, says "holding", keeps it open until its input closes. */
    public static void main(String[] args) throws IOException {
        try (ResultStore store = ResultStore.open(Path.of(args[0]))) {
            System.out.println("holding");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close our input
            }
        }
    }
}
