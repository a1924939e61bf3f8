package org.quantbench.eval.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * A prompt template of a task spec: {@code {field}} inserts a row's field (a dotted path into a JSON row, a column
 * name or 0-based column number of a CSV row), {@code {{} and {@code }}} are literal braces.
 */
final class Template {
    private final List<String> literals = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();

    /** @throws IllegalArgumentException with the reason when the template is malformed */
    Template(String text) {
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
                literal.append(c);
                i++;
            } else if (c == '{') {
                int close = text.indexOf('}', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("'{' at " + i + " is not closed");
                }
                String field = text.substring(i + 1, close).strip();
                if (field.isEmpty() || field.contains("{")) {
                    throw new IllegalArgumentException("'{" + field + "}' at " + i + " does not name a field");
                }
                literals.add(literal.toString());
                literal.setLength(0);
                fields.add(field);
                i = close;
            } else if (c == '}') {
                throw new IllegalArgumentException("'}' at " + i + " has no '{' (write '}}' for a brace)");
            } else {
                literal.append(c);
            }
        }
        literals.add(literal.toString());
    }

    List<String> fields() { return fields; }

    String render(JsonRow row) {
        StringBuilder out = new StringBuilder(literals.getFirst());
        for (int i = 0; i < fields.size(); i++) {
            out.append(row.scalar(fields.get(i))).append(literals.get(i + 1));
        }
        return out.toString();
    }
}
