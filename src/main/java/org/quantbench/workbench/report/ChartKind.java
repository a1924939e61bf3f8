package org.quantbench.workbench.report;

/** The charts of a comparison, each with the file stem exports use and a title. */
public enum ChartKind {
    MEMORY("memory", "Memory: disk and resident"),
    ACCURACY("accuracy", "Accuracy per task"),
    PERPLEXITY("perplexity", "Perplexity"),
    KLD("kld", "KL divergence from the base"),
    THROUGHPUT("throughput", "Throughput"),
    PARETO("accuracy-vs-bits", "Quality versus bits per weight, with the Pareto front"),
    BITS_SWEEP("bits-sweep", "Bits sweep");

    private final String fileStem;
    private final String title;

    ChartKind(String fileStem, String title) {
        this.fileStem = fileStem;
        this.title = title;
    }

    public String fileStem() {
        return fileStem;
    }

    public String title() {
        return title;
    }
}
