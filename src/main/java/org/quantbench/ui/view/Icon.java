package org.quantbench.ui.view;

import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.shape.FillRule;
import javafx.scene.shape.Rectangle;
import javafx.scene.shape.SVGPath;

/**
 * The app's own icons, drawn on a 24 x 24 grid as SVG path data (non-zero fill: holes run counter-clockwise).
 * Views show them as {@link SVGPath} nodes, so the theme's CSS colours them; {@code icons/} holds the same
 * shapes exported as SVG and PNG files.
 */
public enum Icon {
    MODEL("M7 7H17V17H7Z M9 9V15H15V9Z M11 11H13V13H11Z"
            + " M9 3H11V6H9Z M13 3H15V6H13Z M9 18H11V21H9Z M13 18H15V21H13Z"
            + " M3 9H6V11H3Z M3 13H6V15H3Z M18 9H21V11H18Z M18 13H21V15H18Z"),
    SCHEMES("M3 6H21V8H3Z M3 11H21V13H3Z M3 16H21V18H3Z M6 4H10V10H6Z M14 9H18V15H14Z M8 14H12V20H8Z"),
    EVALUATIONS("M10 5H21V7H10Z M10 11H21V13H10Z M10 17H21V19H10Z"
            + " M2.5 6L3.9 4.6L5 5.7L7.6 3.1L9 4.5L5 8.5Z M2.5 12L3.9 10.6L5 11.7L7.6 9.1L9 10.5L5 14.5Z"
            + " M3 16H8V21H3Z M4.5 17.5V19.5H6.5V17.5Z"),
    JOBS("M3 4H21V8H3Z M4 5V7H20V5Z M4 5H17V7H4Z M3 10H21V14H3Z M4 11V13H20V11Z M4 11H11V13H4Z"
            + " M3 16H21V20H3Z M4 17V19H20V17Z"),
    COMPARE("M3 20H21V22H3Z M4 12H8V19H4Z M10 6H14V19H10Z M16 9H20V19H16Z"),
    EXPORT("M4 14H6V18H18V14H20V20H4Z M11 15V7H8L12 2.5L16 7H13V15Z"),
    /** Three stacked drives, each with its light as a hole. */
    CACHE("M4 3H20V8H4Z M16 4.5V6.5H18V4.5Z M4 9.5H20V14.5H4Z M16 11V13H18V11Z M4 16H20V21H4Z M16 17.5V19.5H18V17.5Z"),
    DOWNLOAD("M4 14H6V18H18V14H20V20H4Z M11 3H13V11H16L12 15.5L8 11H11Z"),
    OPEN("M2 5H9L11 7H20V9H7L4 19H2Z M7.5 10H22L19 20H4.5Z"),
    SAVE("M4 3H17L21 7V21H4Z M7 5V9H15V5Z M7 13V19H18V13Z"),
    RUN("M7 4L20 12L7 20Z"),
    CANCEL("M6 4.5L12 10.5L18 4.5L19.5 6L13.5 12L19.5 18L18 19.5L12 13.5L6 19.5L4.5 18L10.5 12L4.5 6Z"),
    RETRY("M12 4A8 8 0 1 0 20 12H18A6 6 0 1 1 12 6Z M11 1.5L16 5L11 8.5Z"),
    HISTORY("M12 3A9 9 0 0 1 12 21A9 9 0 0 1 12 3Z M12 5A7 7 0 0 0 12 19A7 7 0 0 0 12 5Z M11 7H13V12H16V14H11Z"),
    THEME("M12 3A9 9 0 0 1 12 21A9 9 0 0 1 12 3Z M12 5A7 7 0 0 0 12 19Z"),
    ADD("M11 5H13V11H19V13H13V19H11V13H5V11H11Z"),
    /** The app icon's glyph: a signal quantized into steps, drawn light on the accent square. */
    APP("M4 19H20V21H4Z M5 13H8V18H5Z M9 9H12V18H9Z M13 5H16V18H13Z M17 10H20V18H17Z");

    private final String path;

    Icon(String path) {
        this.path = path;
    }

    /** The SVG path data on the 24 x 24 grid. */
    public String path() { return path; }

    /** A node of this icon, {@code size} pixels square, coloured by the CSS class {@code icon}. */
    public Node node(double size) {
        SVGPath shape = new SVGPath();
        shape.setContent(path);
        shape.setFillRule(FillRule.NON_ZERO);
        shape.getStyleClass().add("icon");
        // An invisible 24 x 24 frame keeps every icon the same size whatever its shape's bounds.
        Rectangle frame = new Rectangle(24, 24);
        frame.setFill(null);
        frame.setStroke(null);
        Group group = new Group(frame, shape);
        group.setScaleX(size / 24);
        group.setScaleY(size / 24);
        return new Group(group);
    }

    /** The same icon as a stand-alone SVG document in {@code colour}. */
    public String svg(String colour) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"24\" viewBox=\"0 0 24 24\">"
                + "<path fill=\"" + colour + "\" fill-rule=\"nonzero\" d=\"" + path + "\"/></svg>\n";
    }
}
