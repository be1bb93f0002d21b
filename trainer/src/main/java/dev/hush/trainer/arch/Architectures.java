package dev.hush.trainer.arch;

import java.util.List;

/** Makes a {@link Network} from its name and size knobs. */
public final class Architectures {
    public static final List<String> NAMES = List.of("residual", "conv", "unet");

    private Architectures() {
    }

    /** Builds a network; depth or width 0 picks the architecture's default. */
    public static Network create(String name, int channels, int depth, int width) {
        boolean residual = "residual".equals(name);
        depth = depth != 0 ? depth : residual ? 8 : 2;
        width = width != 0 ? width : residual ? 32 : 16;
        return switch (name) {
            case "residual" -> new ResidualNet(channels, depth, width);
            // depth = resolution levels, width = channels at full resolution; both subtract their noise estimate.
            case "conv" -> EncoderDecoderNet.conv(channels, depth, width, true);
            case "unet" -> EncoderDecoderNet.unet(channels, depth, width, true);
            default -> throw new IllegalArgumentException("unknown architecture '" + name + "'; available: "
                    + String.join(", ", NAMES));
        };
    }
}
