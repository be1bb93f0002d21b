package dev.hush.imagej;

import dev.hush.runtime.HushException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which channels of a hyperstack to denoise, as typed: {@code all}, or 1-based numbers and ranges such as
 * {@code 1,3} or {@code 2-4}. Channels left out are copied to the output unchanged.
 */
final class ChannelChoice {
    static final String ALL = "all";

    private final boolean[] chosen;

    private ChannelChoice(boolean[] chosen) {
        this.chosen = chosen;
    }

    static ChannelChoice parse(String spec, int channels) throws HushException {
        boolean[] chosen = new boolean[channels];
        String s = spec == null ? ALL : spec.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals(ALL)) {
            Arrays.fill(chosen, true);
            return new ChannelChoice(chosen);
        }
        for (String part : s.split(",")) {
            String p = part.strip();
            int dash = p.indexOf('-', 1);
            int from;
            int to;
            try {
                from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
            } catch (NumberFormatException e) {
                throw new HushException("channels '" + spec + "' is not a channel list; write all, or numbers and ranges"
                        + " such as 1,3 or 2-4");
            }
            if (from < 1 || to > channels || from > to) {
                throw new HushException("channels '" + spec + "' asks for channel(s) " + p + ", but the image has "
                        + channels + (channels == 1 ? " channel" : " channels (1-" + channels + ")"));
            }
            for (int c = from; c <= to; c++) {
                chosen[c - 1] = true;
            }
        }
        return new ChannelChoice(chosen);
    }

    /** Whether 1-based channel {@code c} is denoised. */
    boolean includes(int c) {
        return chosen[c - 1];
    }
}
