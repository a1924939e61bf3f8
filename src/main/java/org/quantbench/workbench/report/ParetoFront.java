package org.quantbench.workbench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The points no other point beats on both axes: fewer (or equal) bits and better (or equal) quality, one strictly.
 * Returned in order of increasing bits, which is how the front is drawn.
 */
public final class ParetoFront {

    /** A point: {@code bits} per weight (lower is better) and a quality value. */
    public record Point<T>(T item, double bits, double quality) {}

    private ParetoFront() {}

    public static <T> List<Point<T>> of(List<Point<T>> points, boolean higherQualityIsBetter) {
        Comparator<Point<T>> byQuality = Comparator.comparingDouble(Point::quality);
        if (higherQualityIsBetter) {
            byQuality = byQuality.reversed();
        }
        List<Point<T>> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.<Point<T>>comparingDouble(Point::bits).thenComparing(byQuality));
        List<Point<T>> front = new ArrayList<>();
        for (Point<T> p : sorted) {
            if (front.isEmpty() || better(p.quality(), front.getLast().quality(), higherQualityIsBetter)) {
                front.add(p);
            }
        }
        return front;
    }

    private static boolean better(double a, double b, boolean higher) {
        return higher ? a > b : a < b;
    }
}
