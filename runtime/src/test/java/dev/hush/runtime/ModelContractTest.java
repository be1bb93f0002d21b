package dev.hush.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelContractTest {
    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>(ModelContract.imageDefaults(1, 8, 4, 0.1, 99.9));
        m.put(ModelContract.NAME, "t");
        return m;
    }

    @Test
    void readsAValidImageContract() throws Exception {
        ModelContract c = ModelContract.parse(valid());
        assertEquals(Domain.IMAGE, c.domain());
        assertEquals(8, c.halo());
        assertEquals(4, c.sizeMultiple());
        assertEquals(ModelContract.Norm.PERCENTILE, c.norm());
        assertEquals(0.1, c.normLow());
        assertTrue(c.summary().contains("halo 8"), c.summary());
    }

    @Test
    void namesTheMissingKey() {
        Map<String, String> m = valid();
        m.remove(ModelContract.HALO);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelContract.parse(m));
        assertTrue(e.getMessage().contains("hush.halo"), e.getMessage());
    }

    @Test
    void refusesANewerFormatVersion() {
        Map<String, String> m = valid();
        m.put(ModelContract.FORMAT, "99");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelContract.parse(m));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }

    @Test
    void refusesUnknownDomainAndBadNumbers() {
        Map<String, String> m = valid();
        m.put(ModelContract.DOMAIN, "video");
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelContract.parse(m)).getMessage().contains("image, audio"));
        Map<String, String> n = valid();
        n.put(ModelContract.HALO, "eight");
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelContract.parse(n)).getMessage().contains("whole number"));
        Map<String, String> p = valid();
        p.put(ModelContract.NORM_HIGH, "0.01");
        assertThrows(ModelFormatException.class, () -> ModelContract.parse(p));
    }

    @Test
    void fixedSizeIsOptionalPositiveAndLeavesACore() throws Exception {
        assertEquals(0, ModelContract.parse(valid()).fixedSize(), "absent: any size");
        Map<String, String> m = valid();
        m.put(ModelContract.FIXED_SIZE, "32");
        ModelContract c = ModelContract.parse(m);
        assertEquals(32, c.fixedSize());
        assertTrue(c.summary().contains("fixed 32×32"), c.summary());
        for (String bad : new String[] {"0", "-4", "big", "16", "30"}) {
            // 16 = 2·halo leaves no core; 30 is not a multiple of the size multiple 4
            m.put(ModelContract.FIXED_SIZE, bad);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelContract.parse(m), bad);
            assertTrue(e.getMessage().contains("hush.fixed_size"), e.getMessage());
        }
    }

    @Test
    void audioModelsNeedTheirStftKeys() throws Exception {
        Map<String, String> m = valid();
        m.put(ModelContract.DOMAIN, "audio");
        m.put(ModelContract.OUTPUT, "mask");
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelContract.parse(m)).getMessage()
                .contains(ModelContract.AUDIO_SAMPLE_RATE));
        m.put(ModelContract.AUDIO_SAMPLE_RATE, "16000");
        m.put(ModelContract.AUDIO_N_FFT, "512");
        m.put(ModelContract.AUDIO_HOP, "128");
        m.put(ModelContract.AUDIO_WINDOW, "hann");
        ModelContract c = ModelContract.parse(m);
        HushException e = assertThrows(HushException.class, () -> c.requireDomain(Domain.IMAGE));
        assertTrue(e.getMessage().contains("audio model"), e.getMessage());
    }

    @Test
    void sizesOutsideTheirRangeAreRefusedNamingKeyAndRange() {
        String[][] cases = {{ModelContract.HALO, "50000", "0–1024 pixels"}, {ModelContract.HALO, "1000000", "0–1024"},
                {ModelContract.HALO, "-1", "0–1024"}, {ModelContract.SIZE_MULTIPLE, "0", "1–1024"},
                {ModelContract.SIZE_MULTIPLE, "65536", "1–1024"}, {ModelContract.CHANNELS, "100000", "1–64"},
                {ModelContract.FIXED_SIZE, "1000000", "1–8192"}};
        for (String[] c : cases) {
            Map<String, String> m = valid();
            m.put(c[0], c[1]);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelContract.parse(m), c[0] + "=" + c[1]);
            assertTrue(e.getMessage().contains("'" + c[0] + "' = '" + c[1] + "'") && e.getMessage().contains(c[2]),
                    e.getMessage());
        }
    }

    @Test
    void audioFramesOutsideTheirRangeAreRefusedWhenTheContractIsParsed() throws Exception {
        String[][] cases = {{ModelContract.AUDIO_CONTEXT, "2147483647"}, {ModelContract.AUDIO_CONTEXT, "-5"},
                {ModelContract.AUDIO_LOOKAHEAD, "100000000"}, {ModelContract.AUDIO_LOOKAHEAD, "-1"}};
        for (String[] c : cases) {
            Map<String, String> m = audio();
            m.put(c[0], c[1]);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelContract.parse(m), c[0] + "=" + c[1]);
            assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains("0–4096 frames"), e.getMessage());
        }
        Map<String, String> ok = audio();
        ok.put(ModelContract.AUDIO_CONTEXT, "4096");
        assertEquals(4096, dev.hush.runtime.audio.AudioSpec.of(ModelContract.parse(ok)).context());
    }

    private static Map<String, String> audio() {
        Map<String, String> m = valid();
        m.put(ModelContract.DOMAIN, "audio");
        m.put(ModelContract.OUTPUT, "mask");
        m.put(ModelContract.AUDIO_SAMPLE_RATE, "16000");
        m.put(ModelContract.AUDIO_N_FFT, "512");
        m.put(ModelContract.AUDIO_HOP, "128");
        m.put(ModelContract.AUDIO_WINDOW, "hann");
        m.put(ModelContract.AUDIO_CONTEXT, "43");
        m.put(ModelContract.AUDIO_LOOKAHEAD, "1");
        return m;
    }
}
