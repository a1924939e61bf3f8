package org.quantbench.ui.viewmodel;

/** The main views, in the order of the navigation bar (Ctrl+1 .. Ctrl+7). */
public enum Page {
    MODEL("Model", "Open a checkpoint, see its facts and the memory each scheme needs"),
    SCHEMES("Schemes", "Tick the quantization schemes to compare and edit their parameters"),
    EVALUATIONS("Evaluations", "Choose the metrics: perplexity, KL divergence, tasks, throughput"),
    JOBS("Jobs", "Background runs with progress, ETA, log, cancel and retry"),
    COMPARE("Compare", "Results side by side with the change against the base, and charts"),
    EXPORT("Export", "Charts as PNG, SVG or PDF, tables as CSV, Markdown or JSON, an HTML report"),
    CACHE("Cache", "Quantized models on disk, calibration runs a later run continues, the space they take; delete what is not needed");

    private final String title;
    private final String summary;

    Page(String title, String summary) {
        this.title = title;
        this.summary = summary;
    }

    public String title() { return title; }

    /** One sentence for the navigation tooltip. */
    public String summary() { return summary; }
}
