package dev.hush.runtime;

import java.util.Locale;

/** What kind of signal a model denoises. */
public enum Domain {
    IMAGE,
    AUDIO;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
