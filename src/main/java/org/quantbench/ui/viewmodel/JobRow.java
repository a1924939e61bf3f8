package org.quantbench.ui.viewmodel;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.quantbench.workbench.jobs.Job;
import org.quantbench.workbench.jobs.JobState;

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

    Job job() { return job; }

    public StringProperty nameProperty() { return name; }

    public ObjectProperty<JobState> stateProperty() { return state; }

    public DoubleProperty progressProperty() { return progress; }

    /** Time left, e.g. "2 min 05 s"; empty when unknown or ended. */
    public StringProperty etaProperty() { return eta; }

    public StringProperty statusProperty() { return status; }

    /** The job's log, one line per entry. */
    public StringProperty logProperty() { return log; }
}
