package org.quantbench.ui.viewmodel;

import java.util.ArrayList;
import java.util.List;

/** Records what a view model tells the user and answers confirmations with a fixed choice. */
final class RecordingDialogs implements Dialogs {
    final List<String> errors = new ArrayList<>();
    final List<String> questions = new ArrayList<>();
    boolean answer = true;

    @Override
    public void error(String title, String reason) {
        errors.add(title + ": " + reason);
    }

    @Override
    public boolean confirm(String title, String question) {
        questions.add(title + ": " + question);
        return answer;
    }
}
