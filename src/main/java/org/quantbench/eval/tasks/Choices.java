package org.quantbench.eval.tasks;

import java.util.HashSet;
import java.util.List;

/** Checks every task shares on an item's choices, so a malformed row fails with its file and line. */
final class Choices {
    private Choices() {}

    /** At least two choices, none empty (a choice's length divides its score for {@code acc_norm}). */
    static List<String> check(RowPosition row, List<String> choices) {
        if (choices.size() < 2) {
            throw row.error(choices.isEmpty() ? "the choice list is empty" : "has only one choice");
        }
        for (int i = 0; i < choices.size(); i++) {
            if (choices.get(i).isEmpty()) {
                throw row.error("choice " + i + " is empty");
            }
        }
        return choices;
    }

    /** Position of {@code label} among {@code labels}; an error when it is absent or the labels repeat. */
    static int indexOf(RowPosition row, String what, List<String> labels, String label) {
        if (new HashSet<>(labels).size() != labels.size()) {
            throw row.error("the choice labels " + labels + " repeat");
        }
        int i = labels.indexOf(label);
        if (i < 0) {
            throw row.error(what + " '" + JsonRow.brief(label) + "' is not one of the labels " + labels);
        }
        return i;
    }

    /** A 0-based gold index that must name one of {@code count} choices. */
    static int inRange(RowPosition row, String what, int gold, int count) {
        if (gold < 0 || gold >= count) {
            throw row.error(what + " " + gold + " is out of range for " + count + " choices");
        }
        return gold;
    }
}
