package org.quantbench.ui.viewmodel;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.workbench.jobs.Job;
import org.quantbench.workbench.jobs.JobState;
import org.quantbench.workbench.run.RowProgress;

import java.time.Duration;

/** A job of the queue as the Jobs table shows it; copied from the {@link Job} on the UI thread at each change. */
public final class JobRow {
    private final Job job;
    private final StringProperty name = new SimpleStringProperty();
    private final ObjectProperty<JobState> state = new SimpleObjectProperty<>();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty eta = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty log = new SimpleStringProperty("");
    private final ObservableList<RowProgress.Row> schemes = FXCollections.observableArrayList();

    JobRow(Job job) {
        this.job = job;
        name.set(job.name());
        update();
    }

    /** Copies the job's current state. */
    void update() {
        state.set(job.state());
        progress.set(job.progress());
        eta.set(etaText(job.eta()));
        status.set(job.status());
        log.set(String.join("\n", job.log()));
    }

    static String etaText(Duration eta) {
        if (eta == null) {
            return "";
        }
        long s = eta.toSeconds();
        return s >= 3600 ? String.format("%d h %02d min", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%d min %02d s", s / 60, s % 60) : s + " s";
    }

    /** "3/8 steps", with the failed ones named when there are any. */
    public static String stepsText(RowProgress.Row r) {
        return r.done() + "/" + r.total() + " steps" + (r.failed() > 0 ? ", " + r.failed() + " failed" : "");
    }

    /** The running step and its progress, e.g. "task:arc_easy 40%"; "done" or "waiting" otherwise. */
    public static String runningText(RowProgress.Row r) {
        if (!r.current().isEmpty()) {
            return r.current() + " " + Math.round(100 * r.fraction()) + "%";
        }
        return r.finished() ? "done" : r.done() > 0 ? "" : "waiting";
    }

    /** Time spent, as {@link #etaText}. */
    public static String spentText(RowProgress.Row r) {
        return r.seconds() > 0 ? etaText(Duration.ofMillis(Math.round(r.seconds() * 1000))) : "";
    }

    /** Time left; "?" until the row's steps have been timed on an earlier row, empty when finished. */
    public static String leftText(RowProgress.Row r) {
        return r.finished() ? "" : r.eta() == null ? "?" : etaText(r.eta());
    }

    Job job() { return job; }

    public StringProperty nameProperty() { return name; }

    public ObjectProperty<JobState> stateProperty() { return state; }

    public DoubleProperty progressProperty() { return progress; }

    /** Time left, e.g. "2 min 05 s"; empty when unknown or ended. */
    public StringProperty etaProperty() { return eta; }

    public StringProperty statusProperty() { return status; }

    /** The job's log, one line per entry. */
    public StringProperty logProperty() { return log; }

    /** For a run: its rows (base and each scheme) with steps done, the running step and time left; else empty. */
    public ObservableList<RowProgress.Row> schemes() { return schemes; }
}
