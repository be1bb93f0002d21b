package dev.hush.trainer.arch;

import java.util.List;

/** Makes a {@link Network} from its name and size knobs. */
public final class Architectures {
    public static final List<String> NAMES = List.of("residual");

    private Architectures() {
    }

    public static Network create(String name, int channels, int depth, int width) {
        return switch (name) {
            case "residual" -> new ResidualNet(channels, depth, width);
            default -> throw new IllegalArgumentException("unknown architecture '" + name + "'; available: "
                    + String.join(", ", NAMES));
        };
    }
}
