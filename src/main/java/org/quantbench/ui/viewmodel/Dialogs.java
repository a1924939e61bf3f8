package org.quantbench.ui.viewmodel;

/** The questions and bad news a view model puts to the user; the app shows them as modal dialogs. */
public interface Dialogs {

    /** Tells the user why something failed; the app keeps running. */
    void error(String title, String reason);

    /** Asks a yes/no question; true means go ahead. */
    boolean confirm(String title, String question);
}
