package org.quantbench.ui.viewmodel;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.quantbench.quant.AqlmScheme;
import org.quantbench.quant.Fp8Scheme;
import org.quantbench.quant.GgmlScheme;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.Nf4Scheme;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.W8A8IntScheme;
import org.quantbench.quant.intq.SymmetricConvention;
import org.quantbench.tensor.DType;

import java.util.List;

/**
 * The editor for every parameter of a scheme. Text fields stay text here so that a half-typed number gives a
 * message instead of an exception; {@link #schemeProperty()} holds the scheme the fields describe, or null while they
 * do not describe one, and {@link #messageProperty()} says why (or what the scheme is).
 */
public final class SchemeEditorViewModel {
    public static final List<DType> GGML_TYPES = List.of(DType.Q8_0, DType.Q4_0, DType.Q4_1);
    public static final List<String> AQLM_SHAPES = List.of("2x8", "1x16");

    private final ObjectProperty<SchemeFamily> family = new SimpleObjectProperty<>(SchemeFamily.INT_WEIGHT);
    private final StringProperty bits = new SimpleStringProperty("4");
    private final ObjectProperty<IntWeightScheme.Method> method = new SimpleObjectProperty<>(IntWeightScheme.Method.RTN);
    private final StringProperty groupSize = new SimpleStringProperty("128");
    private final BooleanProperty symmetric = new SimpleBooleanProperty(true);
    private final BooleanProperty autoRoundConvention = new SimpleBooleanProperty();
    private final StringProperty smoothQuantAlpha = new SimpleStringProperty("0");
    private final BooleanProperty fp8Dynamic = new SimpleBooleanProperty();
    private final BooleanProperty fp8PerChannel = new SimpleBooleanProperty(true);
    private final BooleanProperty nf4DoubleQuant = new SimpleBooleanProperty(true);
    private final ObjectProperty<DType> ggmlType = new SimpleObjectProperty<>(DType.Q4_0);
    private final StringProperty aqlmShape = new SimpleStringProperty("2x8");
    private final ReadOnlyObjectWrapper<Scheme> scheme = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");

    public SchemeEditorViewModel() {
        Observable[] inputs = {family, bits, method, groupSize, symmetric, autoRoundConvention, smoothQuantAlpha,
                fp8Dynamic, fp8PerChannel, nf4DoubleQuant, ggmlType, aqlmShape};
        for (Observable input : inputs) {
            input.addListener(o -> rebuild());
        }
        rebuild();
    }

    /** Fills the fields from an existing scheme (to edit a copy of it). */
    public void load(Scheme s) {
        switch (s) {
            case IntWeightScheme w -> {
                bits.set(Integer.toString(w.bits()));
                method.set(w.method());
                groupSize.set(w.perChannel() ? "0" : Integer.toString(w.groupSize()));
                symmetric.set(w.symmetric());
                autoRoundConvention.set(w.convention() == SymmetricConvention.AUTO_ROUND);
            }
            case W8A8IntScheme w -> smoothQuantAlpha.set(Double.toString(w.smoothQuantAlpha()));
            case Fp8Scheme f -> {
                fp8Dynamic.set(f.dynamicActivations());
                fp8PerChannel.set(f.perChannel());
            }
            case Nf4Scheme n -> nf4DoubleQuant.set(n.doubleQuant());
            case GgmlScheme g -> ggmlType.set(g.type());
            case AqlmScheme a -> aqlmShape.set(a.codebooks() + "x" + a.codebookBits());
        }
        family.set(SchemeFamily.of(s));
        rebuild();
    }

    private void rebuild() {
        try {
            Scheme built = build();
            scheme.set(built);
            error.set("");
            message.set(built.name() + ": " + built.description()
                    + built.unavailableReason().map(r -> " Not available yet: " + r + ".").orElse(""));
        } catch (IllegalArgumentException e) {
            scheme.set(null);
            error.set(e.getMessage());
            message.set(e.getMessage());
        }
    }

    private Scheme build() {
        return switch (family.get()) {
            case INT_WEIGHT -> new IntWeightScheme(integer("bits", bits.get()), method.get(),
                    integer("group size", groupSize.get()), symmetric.get(),
                    autoRoundConvention.get() ? SymmetricConvention.AUTO_ROUND : SymmetricConvention.LLM_COMPRESSOR);
            case W8A8_INT -> new W8A8IntScheme(decimal("SmoothQuant strength", smoothQuantAlpha.get()));
            case FP8 -> new Fp8Scheme(fp8Dynamic.get(), fp8PerChannel.get());
            case NF4 -> new Nf4Scheme(nf4DoubleQuant.get());
            case GGML -> new GgmlScheme(ggmlType.get());
            case AQLM -> {
                String shape = aqlmShape.get() == null ? "" : aqlmShape.get();
                int x = shape.indexOf('x');
                if (x < 0) {
                    throw new IllegalArgumentException("AQLM shape: expected codebooks x bits, e.g. 2x8");
                }
                yield new AqlmScheme(integer("codebooks", shape.substring(0, x)), integer("codebook bits", shape.substring(x + 1)));
            }
        };
    }

    private static int integer(String field, String text) {
        try {
            return Integer.parseInt(text == null ? "" : text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a whole number");
        }
    }

    private static double decimal(String field, String text) {
        try {
            return Double.parseDouble(text == null ? "" : text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a number");
        }
    }

    public ObjectProperty<SchemeFamily> familyProperty() { return family; }

    public StringProperty bitsProperty() { return bits; }

    public ObjectProperty<IntWeightScheme.Method> methodProperty() { return method; }

    /** Group size in input columns; 0 means one scale per output channel. */
    public StringProperty groupSizeProperty() { return groupSize; }

    public BooleanProperty symmetricProperty() { return symmetric; }

    /** auto-round's symmetric convention instead of llm-compressor's. */
    public BooleanProperty autoRoundConventionProperty() { return autoRoundConvention; }

    /** SmoothQuant migration strength in [0, 1); 0 turns it off. */
    public StringProperty smoothQuantAlphaProperty() { return smoothQuantAlpha; }

    public BooleanProperty fp8DynamicProperty() { return fp8Dynamic; }

    public BooleanProperty fp8PerChannelProperty() { return fp8PerChannel; }

    public BooleanProperty nf4DoubleQuantProperty() { return nf4DoubleQuant; }

    public ObjectProperty<DType> ggmlTypeProperty() { return ggmlType; }

    public StringProperty aqlmShapeProperty() { return aqlmShape; }

    /** The scheme the fields describe, or null while they are invalid. */
    public ReadOnlyObjectProperty<Scheme> schemeProperty() { return scheme.getReadOnlyProperty(); }

    /** The validation error, or empty when the fields are valid. */
    public ReadOnlyStringProperty errorProperty() { return error.getReadOnlyProperty(); }

    /** The scheme in one sentence, or the validation error. */
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }
}
