package org.quantbench.workbench.table;

import java.util.Map;

/**
 * A row of a {@link ComparisonTable}: the base or one scheme of one run.
 *
 * @param label  what tables show, e.g. "base = Q4_1 dequantized", "W4A16-RTN-g128-sym" (prefixed with the run's name
 *               when runs are side by side)
 * @param cells  column id -> cell; a column without an entry was not measured for this row
 */
public record Row(String label, String scheme, String runId, boolean base, Map<String, Cell> cells) {

    public Row {
        cells = Map.copyOf(cells);
    }

    /** The cell of a column, or null when that column was not measured for this row. */
    public Cell cell(Column c) {
        return cells.get(c.id());
    }
}
