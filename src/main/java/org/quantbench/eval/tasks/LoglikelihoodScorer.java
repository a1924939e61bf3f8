package org.quantbench.eval.tasks;

import java.util.List;

/** Scores the requests of one item, in order. One scorer serves one thread. */
@FunctionalInterface
public interface LoglikelihoodScorer {
    List<Loglikelihood> score(List<EncodedRequest> requests);
}
