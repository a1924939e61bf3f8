package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.eval.results.DataFile;

import java.util.List;

/** How one kind of step is keyed and measured. */
interface Measurement {

    /** The step's key parts (definition, data) and the work, prepared without touching the model. */
    Prepared prepare(RunContext run, PlannedStep step);

    /**
     * @param definition the metric definition in words; with the data hash, model hash and scheme, the step's key
     * @param data       the files the numbers rest on (empty when none)
     */
    record Prepared(String definition, List<DataFile> data, Work work) {
        public Prepared {
            data = List.copyOf(data);
        }
    }

    @FunctionalInterface
    interface Work {
        Measured run(SchemeModel model, StepProgress progress);
    }

    /** Told the fraction of the step done; checks the cancel token on every call. */
    @FunctionalInterface
    interface StepProgress {
        void update(double fraction, String line);
    }

    /** One number of a step. */
    record Value(String metric, double value, Double stderr, ObjectNode extra) {
    }

    /**
     * @param items       items (tokens, questions, runs) the values rest on
     * @param detail      provenance particular to the step (e.g. the evaluator's own definition text)
     * @param computePath which arithmetic produced the numbers
     */
    record Measured(List<Value> values, long items, ObjectNode detail, String computePath) {
    }
}
