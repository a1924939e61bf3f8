package org.quantbench.ui.viewmodel;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.IntegerBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.SchemeNames;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Schemes view: a checklist of the presets users know plus any scheme built in the editor or a bits sweep.
 * The run takes the ticked rows in list order.
 */
public final class SchemesViewModel {
    /** The presets plus the 3- and 2-bit GPTQ schemes of the seed studies. */
    static final List<String> LISTED = Stream.concat(SchemeNames.PRESETS.stream(),
            Stream.of("W3A16-GPTQ-g128-sym", "W2A16-GPTQ-g64-sym")).toList();

    private final ObservableList<SchemeRow> rows = FXCollections.observableArrayList(
            row -> new javafx.beans.Observable[] {row.selectedProperty()});
    private final SchemeEditorViewModel editor = new SchemeEditorViewModel();
    private final StringProperty sweepFrom = new SimpleStringProperty("2");
    private final StringProperty sweepTo = new SimpleStringProperty("8");
    private final ObjectProperty<IntWeightScheme.Method> sweepMethod = new SimpleObjectProperty<>(IntWeightScheme.Method.RTN);
    private final StringProperty sweepGroup = new SimpleStringProperty("128");
    private final IntegerBinding selectedCount = Bindings.createIntegerBinding(
            () -> (int) rows.stream().filter(SchemeRow::isSelected).count(), rows);
    private final BooleanProperty quantizeLmHead = new SimpleBooleanProperty();
    private final Dialogs dialogs;
    /** The names of the last selectOnly, in its order: a loaded config's schemes are saved back in their order. */
    private List<String> order = List.of();
    /** Canonical name -> the spelling of the last selectOnly ("W8A16-RTN" stays so, not "W8A16-RTN-ch-sym"). */
    private Map<String, String> spelling = Map.of();

    public SchemesViewModel(Dialogs dialogs) {
        this.dialogs = dialogs;
        for (String name : LISTED) {
            rows.add(new SchemeRow(SchemeNames.parse(name)));
        }
    }

    /** Adds the editor's scheme (or finds it when listed) and ticks it when it can run. */
    public Optional<SchemeRow> addFromEditor() {
        Scheme s = editor.schemeProperty().get();
        if (s == null) {
            dialogs.error("Invalid scheme", editor.errorProperty().get());
            return Optional.empty();
        }
        SchemeRow row = rowFor(s);
        row.selectedProperty().set(true);
        return Optional.of(row);
    }

    /** Adds and ticks {@code W{b}A16-{method}-g{group}} for every b of the sweep range. */
    public List<SchemeRow> addSweep() {
        List<SchemeRow> added = new ArrayList<>();
        try {
            int from = Integer.parseInt(sweepFrom.get().strip());
            int to = Integer.parseInt(sweepTo.get().strip());
            int group = Integer.parseInt(sweepGroup.get().strip());
            if (from > to) {
                throw new IllegalArgumentException("bits sweep: 'from' " + from + " is above 'to' " + to);
            }
            IntWeightScheme.Method m = sweepMethod.get();
            List<Scheme> schemes = new ArrayList<>();
            for (int b = from; b <= to; b++) {
                // AWQ is defined for asymmetric groups only; the other methods sweep symmetric.
                schemes.add(new IntWeightScheme(b, m, group, m != IntWeightScheme.Method.AWQ, null));
            }
            for (Scheme s : schemes) {
                SchemeRow row = rowFor(s);
                row.selectedProperty().set(true);
                added.add(row);
            }
        } catch (NumberFormatException e) {
            dialogs.error("Invalid bits sweep", "bits sweep: from, to and group size must be whole numbers");
        } catch (IllegalArgumentException e) {
            dialogs.error("Invalid bits sweep", e.getMessage());
        }
        return added;
    }

    /**
     * Ticks exactly the named schemes (adding those not listed), as a loaded run config asks.
     *
     * @return the names that cannot run yet and so stay unticked
     * @throws IllegalArgumentException for a name that is not a scheme
     */
    public List<String> selectOnly(Collection<String> names) {
        List<Scheme> schemes = names.stream().map(SchemeNames::parse).toList();
        order = schemes.stream().map(Scheme::name).toList();
        Map<String, String> given = new HashMap<>();
        int i = 0;
        for (String n : names) {
            given.putIfAbsent(order.get(i++), n.strip());
        }
        spelling = given;
        rows.forEach(r -> r.selectedProperty().set(false));
        List<String> refused = new ArrayList<>();
        for (Scheme s : schemes) {
            SchemeRow row = rowFor(s);
            row.selectedProperty().set(true);
            if (!row.isSelected()) {
                refused.add(s.name());
            }
        }
        return refused;
    }

    /** The row of this scheme, appended when it is not listed yet. */
    private SchemeRow rowFor(Scheme s) {
        for (SchemeRow row : rows) {
            if (row.name().equals(s.name())) {
                return row;
            }
        }
        SchemeRow row = new SchemeRow(s);
        rows.add(row);
        return row;
    }

    /** The ticked schemes' names: those of the last {@link #selectOnly} in its order, then the others in list order. */
    public List<String> selectedNames() {
        List<String> kept = order;
        return rows.stream().filter(SchemeRow::isSelected).map(SchemeRow::name)
                .sorted(Comparator.comparingInt(n -> kept.contains(n) ? kept.indexOf(n) : kept.size())).toList();
    }

    /**
     * The schemes a saved config lists: the ticked ones plus those of the last {@link #selectOnly} that the engine
     * cannot run yet (they stay unticked but are not dropped from the file), in the order of {@link #selectedNames}
     * and spelled as the config had them.
     */
    public List<String> namesToSave() {
        List<String> kept = order;
        Map<String, String> spelled = spelling;
        return rows.stream().filter(r -> r.isSelected() || !r.available() && kept.contains(r.name())).map(SchemeRow::name)
                .sorted(Comparator.comparingInt(n -> kept.contains(n) ? kept.indexOf(n) : kept.size()))
                .map(n -> spelled.getOrDefault(n, n)).toList();
    }

    /** Quantize lm_head like the other linears (rows are then named {@code <scheme>+lm_head}). */
    public BooleanProperty quantizeLmHeadProperty() { return quantizeLmHead; }

    public ObservableList<SchemeRow> rows() { return rows; }

    public SchemeEditorViewModel editor() { return editor; }

    public StringProperty sweepFromProperty() { return sweepFrom; }

    public StringProperty sweepToProperty() { return sweepTo; }

    public ObjectProperty<IntWeightScheme.Method> sweepMethodProperty() { return sweepMethod; }

    public StringProperty sweepGroupProperty() { return sweepGroup; }

    public IntegerBinding selectedCountProperty() { return selectedCount; }
}
