package org.quantbench.workbench.results;

/** How a run ended; {@code RUNNING} also marks one whose process died (it resumes on the next run). */
public enum RunStatus { RUNNING, DONE, FAILED, CANCELLED }
