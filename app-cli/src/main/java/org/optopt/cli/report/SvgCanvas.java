package org.optopt.cli.report;

import java.util.Locale;

/** Renders a {@link Canvas} into SVG text. */
final class SvgCanvas implements Canvas {
    private final StringBuilder body = new StringBuilder();
    private final int width;
    private final int height;

    SvgCanvas(int width, int height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void polyline(double[] xs, double[] ys, String color, double w) {
        body.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"").append(fmt(w))
                .append("\" points=\"").append(points(xs, ys)).append("\"/>\n");
    }

    @Override
    public void polygon(double[] xs, double[] ys, String color, double opacity) {
        body.append("<polygon fill=\"").append(color).append("\" fill-opacity=\"").append(fmt(opacity))
                .append("\" stroke=\"none\" points=\"").append(points(xs, ys)).append("\"/>\n");
    }

    @Override
    public void text(double x, double y, String text, String anchor, int size) {
        body.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" font-family=\"sans-serif\"")
                .append(" font-size=\"").append(size).append("\" text-anchor=\"").append(anchor).append("\">")
                .append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).append("</text>\n");
    }

    /** The complete SVG document. */
    String document() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height + "\">\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n";
    }

    private static String points(double[] xs, double[] ys) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            sb.append(i == 0 ? "" : " ").append(fmt(xs[i])).append(',').append(fmt(ys[i]));
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
