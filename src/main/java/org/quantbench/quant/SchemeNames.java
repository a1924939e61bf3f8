package org.quantbench.quant;

import org.quantbench.quant.intq.SymmetricConvention;
import org.quantbench.tensor.DType;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the scheme names users type. Grammar:
 * <pre>
 *   W{2..8}A16-{RTN|GPTQ|AWQ|AutoRound}[-g{size}|-ch][-sym|-sym-ar|-asym]   (default: per channel, symmetric)
 *   W8A8-INT | W8A8-INT-SQ[{alpha}]
 *   FP8-weight | FP8-dynamic [-tensor]
 *   NF4 | NF4-DQ
 *   Q8_0 | Q4_0 | Q4_1
 *   AQLM-2x8 | AQLM-1x16
 * </pre>
 * {@code -sym} is llm-compressor's symmetric convention, {@code -sym-ar} auto-round's.
 */
public final class SchemeNames {
    private static final Pattern INT_WEIGHT = Pattern.compile(
            "W(\\d+)A16-(RTN|GPTQ|AWQ|AUTOROUND)(?:-(?:G(\\d+)|(CH)))?(?:-(SYM-AR|SYM|ASYM))?");
    private static final Pattern W8A8 = Pattern.compile("W8A8-INT(?:-SQ(0?\\.\\d+)?)?");
    private static final Pattern FP8 = Pattern.compile("FP8-(WEIGHT|DYNAMIC)(-TENSOR)?");
    private static final Pattern AQLM = Pattern.compile("AQLM-(\\d+)X(\\d+)");

    /** Presets named after what users know, for pickers and sample configs. */
    public static final List<String> PRESETS = List.of(
            "W8A16-RTN", "W8A8-INT", "W8A8-INT-SQ", "FP8-weight", "FP8-dynamic",
            "W4A16-RTN-g128-sym", "W4A16-RTN-g128-asym", "W4A16-GPTQ-g128-sym", "W4A16-AWQ-g128-asym",
            "W4A16-AutoRound-g128-sym", "NF4", "NF4-DQ", "W3A16-RTN-g128-sym", "W2A16-RTN-g64-sym",
            "Q8_0", "Q4_0", "Q4_1", "AQLM-2x8", "AQLM-1x16");

    private SchemeNames() {}

    public static Scheme parse(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("empty scheme name");
        }
        String n = name.strip().toUpperCase(Locale.ROOT);
        try {
            Matcher m = INT_WEIGHT.matcher(n);
            if (m.matches()) {
                int bits = Integer.parseInt(m.group(1));
                IntWeightScheme.Method method = IntWeightScheme.Method.valueOf(m.group(2));
                int group = m.group(3) != null ? Integer.parseInt(m.group(3)) : 0;
                if (m.group(3) != null && group == 0) {
                    throw new IllegalArgumentException("group size must be positive; use -ch for per-channel");
                }
                String sym = m.group(5) != null ? m.group(5) : "SYM";
                return new IntWeightScheme(bits, method, group, !sym.equals("ASYM"), sym.equals("SYM-AR")
                        ? SymmetricConvention.AUTO_ROUND : SymmetricConvention.LLM_COMPRESSOR);
            }
            m = W8A8.matcher(n);
            if (m.matches()) {
                boolean sq = n.contains("-SQ");
                return new W8A8IntScheme(!sq ? 0 : m.group(1) != null ? Double.parseDouble(m.group(1))
                        : W8A8IntScheme.DEFAULT_SQ_ALPHA);
            }
            m = FP8.matcher(n);
            if (m.matches()) {
                return new Fp8Scheme(m.group(1).equals("DYNAMIC"), m.group(2) == null);
            }
            if (n.equals("NF4") || n.equals("NF4-DQ")) {
                return new Nf4Scheme(n.equals("NF4-DQ"));
            }
            if (n.equals("Q8_0") || n.equals("Q4_0") || n.equals("Q4_1")) {
                return new GgmlScheme(DType.valueOf(n));
            }
            m = AQLM.matcher(n);
            if (m.matches()) {
                return new AqlmScheme(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scheme '" + name + "': a number is out of range");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scheme '" + name + "': " + e.getMessage());
        }
        throw new IllegalArgumentException("unknown scheme '" + name + "'; expected one of W{2..8}A16-{RTN|GPTQ|AWQ|AutoRound}"
                + "[-g{size}|-ch][-sym|-sym-ar|-asym], W8A8-INT[-SQ], FP8-weight, FP8-dynamic, NF4, NF4-DQ, Q8_0, Q4_0, Q4_1,"
                + " AQLM-2x8, AQLM-1x16");
    }
}
