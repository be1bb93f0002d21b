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
}
