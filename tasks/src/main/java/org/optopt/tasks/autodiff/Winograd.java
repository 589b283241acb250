package org.optopt.tasks.autodiff;

import org.optopt.api.backend.Backend;
import org.optopt.api.backend.ImageTiles;
import org.optopt.api.tensor.Tensor;

/**
 * Stride-1 convolution with a square kernel by Winograd minimal filtering {@code F(m x m, r x r)}
 * ({@link WinogradTransform}), in three recorded operations whose gradients are the transposed
 * operations, so all three passes run in the transform domain:
 * <ol>
 *   <li>the filters {@code U = G g G^T} and the input tiles {@code V = B^T d B}
 *       ({@link Backend#imageToTilesInPlace}; tiles of {@code n = m + r - 1} pixels every m pixels,
 *       zeros outside the image); their gradients {@code dW = G^T dU G} and {@code dX = B dV B^T}
 *       ({@link Backend#tilesToImageAddInPlace}, overlapping tiles summed);</li>
 *   <li>per transform point xi one product {@code M[xi] = V[xi] U[xi]^T}
 *       ({@code [tiles, inChannels] x [inChannels, outChannels]}, {@link Linalg#batchedMatmul}), whose
 *       gradients are {@code dV[xi] = dM[xi] U[xi]} and {@code dU[xi] = dM[xi]^T V[xi]};</li>
 *   <li>the output {@code Y = A^T M A} plus the bias ({@link Backend#tilesToImageAddInPlace}, tiles
 *       clipped at the image's edge), whose gradient is {@code dM = A dY A^T}.</li>
 * </ol>
 * The products do {@code n^2/(m^2 r^2)} of direct convolution's multiplications (F(2x2, 5x5): 36 for
 * 100); the transforms add memory traffic proportional to the channels, which is why it pays only
 * where the products' inner dimension (the channels) is not tiny ({@link #pays}).
 */
public final class Winograd {
    private Winograd() {}

    /**
     * The output tile m used for r-tap kernels when none is asked for: the one whose tiles have
     * {@code n = m + r - 1 = 8} points (at least 1), the largest tile built from the points 0, +-1, +-2,
     * +-1/2 and infinity. On fmnist-2c2d's conv2 (5x5, so F(4x4, 5x5)) its float error stays near
     * 4e-6 of the largest output (im2col: 4e-7), where F(5x5, 5x5), the first tile to need the points
     * +-3, has 1e-4 and F(6x6, 5x5) 5e-4; it was also the fastest of F(2), F(3) and F(4) there
     * (measured in docs/performance.md, "Winograd convolution").
     */
    public static int outputTile(int kernel) {
        return Math.max(1, 9 - kernel);
    }

    /**
     * Whether {@link ConvAlgorithm#AUTO} takes Winograd: stride 1, a square kernel of 2 to 7 taps
     * per side and at least 8 input channels (fewer make the per-point products' inner dimension so
     * small that they are bound by memory, as on fmnist-2c2d's first layer with one channel).
     */
    public static boolean pays(ImageShape in, int kernelH, int kernelW, int stride) {
        return stride == 1 && kernelH == kernelW && kernelH >= 2 && kernelH <= 7 && in.channels() >= 8;
    }

    /**
     * The convolution of {@link Conv#conv2d} (same operands, stride 1, {@code kernel x kernel}) by
     * {@code F(outputTile x outputTile, kernel x kernel)}.
     *
     * @throws IllegalArgumentException if a shape does not match or the tile is out of range
     */
    public static Var conv2d(Var x, ImageShape in, Var weight, Var bias, int kernel, int padding, int outputTile) {
        Tape tape = x.tape();
        WinogradTransform t = tape.memo(new Key(outputTile, kernel), k -> WinogradTransform.of(k.m(), k.r()));
        int m = t.outputTile();
        int n = t.inputTile();
        int outChannels = weight.shape().dim(0);
        ImageShape out = Conv.outputShape(in, kernel, kernel, 1, padding, outChannels);
        int tilesY = (out.height() + m - 1) / m;
        int tilesX = (out.width() + m - 1) / m;
        ImageTiles inputTiles = new ImageTiles(in.batch(), in.height(), in.width(), in.channels(), n, m, padding,
                tilesY, tilesX);
        ImageTiles filterTiles = new ImageTiles(outChannels, kernel, kernel, in.channels(), kernel, kernel, 0, 1, 1);
        ImageTiles outputTiles = new ImageTiles(in.batch(), out.height(), out.width(), outChannels, m, m, 0,
                tilesY, tilesX);
        Var u = toTiles(weight, filterTiles, t.g(), n);
        Var v = toTiles(x, inputTiles, t.bt(), n);
        Var products = Linalg.batchedMatmul(v, false, u, true);
        return fromTiles(products, outputTiles, t.at(), n, bias);
    }

    private record Key(int m, int r) {}

    /** {@code L d L^T} of every tile ({@code L}: {@code p x tileSize}); gradient {@code L^T dT L}. */
    private static Var toTiles(Var images, ImageTiles grid, double[] l, int p) {
        Tape tape = images.tape();
        Backend be = tape.backend();
        Tensor tiles = tape.lease(grid.tilesShape(p));
        be.imageToTilesInPlace(tape.view(images.value(), grid.imageShape()), grid,
                WinogradTransform.toFloat(l, p, false), tiles);
        float[] lt = WinogradTransform.toFloat(l, p, true);
        return tape.result(tiles,
                g -> be.tilesToImageAddInPlace(g, grid, lt, tape.view(tape.gradOf(images), grid.imageShape())),
                images);
    }

    /**
     * The images of {@code R t R^T} per tile ({@code R = A^T}: {@code tileSize x p}) plus the bias in
     * every pixel; gradient {@code R^T dY R} per tile and the bias's column sums.
     */
    private static Var fromTiles(Var tiles, ImageTiles grid, double[] r, int p, Var bias) {
        Tape tape = tiles.tape();
        Backend be = tape.backend();
        Tensor y = tape.lease(grid.imageShape());
        if (bias != null) {
            Linalg.writeRows(bias, y, "conv2d: bias of shape " + bias.shape() + " does not match "
                    + grid.channels() + " output channels");
        } else {
            be.fillInPlace(y, 0f);
        }
        be.tilesToImageAddInPlace(tiles.value(), grid, WinogradTransform.toFloat(r, grid.tileSize(), false), y);
        float[] rt = WinogradTransform.toFloat(r, grid.tileSize(), true);
        Tape.Backward backward = g -> {
            Tape.GradSink gt = tape.gradSink(tiles);
            if (gt != null && gt.beta() == 0f) {
                be.imageToTilesInPlace(g, grid, rt, gt.tensor());
            } else if (gt != null) {
                Tensor contribution = tape.lease(grid.tilesShape(p));
                be.imageToTilesInPlace(g, grid, rt, contribution);
                be.axpyInPlace(1f, contribution, gt.tensor());
            }
            if (bias != null) {
                Linalg.accumulateColumnSums(g, bias);
            }
        };
        return bias == null ? tape.result(y, backward, tiles) : tape.result(y, backward, tiles, bias);
    }
}
