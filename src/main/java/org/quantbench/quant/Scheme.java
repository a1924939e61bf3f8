package org.quantbench.quant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.Optional;

/**
 * A quantization scheme with every parameter, serialisable to JSON, with a stable short name that
 * {@link SchemeNames#parse} reads back (for example {@code W4A16-RTN-g128-sym}, {@code W8A8-INT}, {@code NF4-DQ}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = IntWeightScheme.class, name = "int-weight-only"),
        @JsonSubTypes.Type(value = W8A8IntScheme.class, name = "w8a8-int"),
        @JsonSubTypes.Type(value = Fp8Scheme.class, name = "fp8"),
        @JsonSubTypes.Type(value = Nf4Scheme.class, name = "nf4"),
        @JsonSubTypes.Type(value = GgmlScheme.class, name = "ggml"),
        @JsonSubTypes.Type(value = AqlmScheme.class, name = "aqlm")})
public sealed interface Scheme permits IntWeightScheme, W8A8IntScheme, Fp8Scheme, Nf4Scheme, GgmlScheme, AqlmScheme {

    /** The stable short name, e.g. {@code W4A16-RTN-g128-sym}. */
    @JsonIgnore
    String name();

    /** One sentence for tooltips and reports. */
    @JsonIgnore
    String description();

    /** Why the engine cannot run this scheme yet (shown, never faked), or empty when it can. */
    @JsonIgnore
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** Whether producing it needs calibration data (GPTQ, AWQ, SmoothQuant, AutoRound, AQLM). */
    @JsonIgnore
    default boolean needsCalibration() {
        return false;
    }
}
