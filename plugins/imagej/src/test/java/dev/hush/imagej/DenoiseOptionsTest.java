package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.HushException;
import ij.plugin.frame.Recorder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Macro options in, recorded options out: what the recorder writes reads back as the same options. */
class DenoiseOptionsTest {

    private static String recorded(DenoiseOptions o, boolean channels) {
        Recorder.resetCommandOptions();
        o.record(channels);
        String s = Recorder.getCommandOptions();
        Recorder.resetCommandOptions();
        return s;
    }

    @Test
    void noOptionsAreTheDefaults() throws HushException {
        DenoiseOptions d = DenoiseOptions.fromMacro(null);
        assertEquals(DenoiseOptions.defaults(), d);
        assertEquals(d, DenoiseOptions.fromMacro(""));
        assertEquals("image-gray-multiscale", d.model(), "the best shipped model on real images is the default");
        assertEquals("cpu", d.device());
        assertEquals(0, d.tile());
        assertEquals(0, d.threads());
        assertEquals("all", d.channels());
        assertFalse(d.noise());
    }

    @Test
    void everyOptionIsRecordedAndReplaysExactly() throws HushException {
        DenoiseOptions o = new DenoiseOptions("image-gray-small", "", "cuda:1", 256, 2, "1,3", true);
        String line = recorded(o, true);
        assertEquals("model=image-gray-small device=cuda:1 tile=256 threads=2 channels=1,3 noise", line);
        assertEquals(o, DenoiseOptions.fromMacro(line));
        assertEquals("model=image-gray-multiscale device=cpu tile=0 threads=0", recorded(DenoiseOptions.defaults(),
                false));
        DenoiseOptions eight = new DenoiseOptions("image-gray-small", "", "cpu", 0, 0, "all", false, 8);
        String withEnsemble = recorded(eight, false);
        assertEquals("model=image-gray-small device=cpu tile=0 threads=0 ensemble=8", withEnsemble);
        assertEquals(eight, DenoiseOptions.fromMacro(withEnsemble));
        HushException bad = assertThrows(HushException.class, () -> DenoiseOptions.fromMacro("ensemble=3"));
        assertTrue(bad.getMessage().contains("1, 2, 4 or 8"), bad.getMessage());
    }

    @Test
    void aModelFileIsRecordedAsTheModel() throws HushException {
        DenoiseOptions o = new DenoiseOptions(ModelChoice.FILE, "/data/my models/nuclei.onnx", "auto", 0, 0, "all", false);
        String line = recorded(o, false);
        assertTrue(line.startsWith("model=[/data/my models/nuclei.onnx] device=auto"), line);
        DenoiseOptions replay = DenoiseOptions.fromMacro(line);
        assertEquals(Path.of("/data/my models/nuclei.onnx"), replay.modelChoice().file());
        assertNull(replay.modelChoice().shippedName());
    }

    @Test
    void theExampleFromTheDocsReads() throws HushException {
        DenoiseOptions o = DenoiseOptions.fromMacro("model=[image-gray-small] device=cpu tile=256 threads=0");
        assertEquals("image-gray-small", o.modelChoice().shippedName());
        assertEquals(256, o.tile());
        DenoiseOptions f = DenoiseOptions.fromMacro("model=[File...] file=[/x y/m.onnx] noise");
        assertEquals(Path.of("/x y/m.onnx"), f.modelChoice().file());
        assertTrue(f.noise());
        assertEquals(Path.of("/x y/m.onnx"), DenoiseOptions.fromMacro("file=[/x y/m.onnx]").modelChoice().file());
    }

    @Test
    void macroOptionKeysAndFlags() throws HushException {
        MacroOptions m = MacroOptions.of("model=[a b=c] noise tile=3");
        assertEquals(List.of("model", "noise", "tile"), List.copyOf(m.keys()));
        assertTrue(m.flag("noise"));
        assertFalse(m.flag("model"));
        assertEquals("a b=c", m.value("model", null));
        assertFalse(MacroOptions.of("model=[noise]").flag("noise"), "a value is not a flag");
    }

    @Test
    void channelLists() throws HushException {
        ChannelChoice c = ChannelChoice.parse("1,3-4", 5);
        assertTrue(c.includes(1));
        assertFalse(c.includes(2));
        assertTrue(c.includes(3));
        assertTrue(c.includes(4));
        assertFalse(c.includes(5));
        assertTrue(ChannelChoice.parse("all", 2).includes(2));
        assertTrue(ChannelChoice.parse(" 2 ", 2).includes(2));
        for (String bad : new String[] {"0", "6", "3-2", "x", "1,,2"}) {
            assertThrows(HushException.class, () -> ChannelChoice.parse(bad, 5), bad);
        }
    }
}
