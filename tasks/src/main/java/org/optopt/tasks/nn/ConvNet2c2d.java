package org.optopt.tasks.nn;

import java.util.SplittableRandom;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Conv;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.ImageShape;
import org.optopt.tasks.autodiff.Shapes;
import org.optopt.tasks.autodiff.Var;

/**
 * DeepOBS's "2c2d" network: conv 5x5 (32, same padding) + ReLU + max-pool 2x2/2, conv 5x5 (64) +
 * ReLU + max-pool 2x2/2, dense 1024 + ReLU, dense to the classes (logits). Images enter as rows of
 * {@code height*width*channels} values in (y, x, channel) order; the flattening before the dense
 * layers is in the same order.
 */
public final class ConvNet2c2d implements Network {
    private final int height;
    private final int width;
    private final int channels;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear fc1;
    private final Linear fc2;

    /**
     * @param height image height, divisible by 4 (two 2x2 poolings)
     * @param width image width, divisible by 4
     */
    public ConvNet2c2d(ParameterStore params, int height, int width, int channels, int classes, Init init, long seed) {
        if (height % 4 != 0 || width % 4 != 0) {
            throw new IllegalArgumentException("2c2d needs image sizes divisible by 4, got " + height + "x" + width);
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.conv1 = new Conv2d(params, "conv1", channels, 32, 5, 1, 2, init, seeds);
        this.conv2 = new Conv2d(params, "conv2", 32, 64, 5, 1, 2, init, seeds);
        this.fc1 = new Linear(params, "fc1", (height / 4) * (width / 4) * 64, 1024, true, init, seeds);
        this.fc2 = new Linear(params, "fc2", 1024, classes, true, init, seeds);
    }

    /**
     * Logits {@code [n, classes]} of a batch {@code [n, height*width*channels]}. Each convolution is
     * pooled before its ReLU, on a quarter of the values: {@code relu(maxpool(x)) = maxpool(relu(x))}
     * (ReLU is monotone), and the gradients agree too (the first maximal position of a window is the
     * same for x and relu(x) where the maximum is positive; elsewhere both are zero), so this is
     * DeepOBS's network to the bit (checked against the other order in the tests).
     */
    @Override
    public Var forward(Var images) {
        int n = images.shape().dim(0);
        ImageShape in = new ImageShape(n, height, width, channels);
        Var x = Shapes.reshape(images, in.matrix());
        ImageShape s1 = conv1.outputShape(in);
        Var p1 = Elementwise.relu(Conv.maxPool2d(conv1.forward(x, in), s1, 2, 2));
        ImageShape s2 = Conv.outputShape(s1, 2, 2, 2, 0, s1.channels());
        ImageShape s3 = conv2.outputShape(s2);
        Var p2 = Elementwise.relu(Conv.maxPool2d(conv2.forward(p1, s2), s3, 2, 2));
        ImageShape s4 = Conv.outputShape(s3, 2, 2, 2, 0, s3.channels());
        Var flat = Shapes.reshape(p2, Shape.matrix(n, s4.height() * s4.width() * s4.channels()));
        return fc2.forward(Elementwise.relu(fc1.forward(flat)));
    }

    /** conv1 (its input is data), pool1, conv2, pool2, fc1, fc2. */
    @Override
    public Flops flops() {
        ImageShape in = new ImageShape(1, height, width, channels);
        ImageShape s1 = conv1.outputShape(in);
        ImageShape s2 = Conv.outputShape(s1, 2, 2, 2, 0, s1.channels());
        ImageShape s3 = conv2.outputShape(s2);
        ImageShape s4 = Conv.outputShape(s3, 2, 2, 2, 0, s3.channels());
        return new Flops(java.util.List.of(conv1.flops(in, false),
                Flops.pool("pool1", s2.height(), s2.width(), s2.channels(), 2), conv2.flops(s2, true),
                Flops.pool("pool2", s4.height(), s4.width(), s4.channels(), 2), fc1.flops(true), fc2.flops(true)));
    }
}
