package org.optopt.cli.report;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;

/** Renders a {@link Canvas} into a raster image with Java2D (headless). */
final class PngCanvas implements Canvas {
    private final BufferedImage image;
    private final Graphics2D g;

    PngCanvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    @Override
    public void polyline(double[] xs, double[] ys, String color, double width) {
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(Color.decode(color));
        g.setStroke(new BasicStroke((float) width));
        g.draw(path(xs, ys, false));
    }

    @Override
    public void polygon(double[] xs, double[] ys, String color, double opacity) {
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
        g.setColor(Color.decode(color));
        g.fill(path(xs, ys, true));
        g.setComposite(AlphaComposite.SrcOver);
    }

    @Override
    public void text(double x, double y, String text, String anchor, int size) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
        int w = g.getFontMetrics().stringWidth(text);
        double x0 = switch (anchor) {
            case "middle" -> x - w / 2.0;
            case "end" -> x - w;
            default -> x;
        };
        g.drawString(text, (float) x0, (float) y);
    }

    /** The rendered image. */
    BufferedImage image() {
        return image;
    }

    private static Path2D path(double[] xs, double[] ys, boolean closed) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < xs.length; i++) {
            if (i == 0) {
                p.moveTo(xs[i], ys[i]);
            } else {
                p.lineTo(xs[i], ys[i]);
            }
        }
        if (closed) {
            p.closePath();
        }
        return p;
    }
}
