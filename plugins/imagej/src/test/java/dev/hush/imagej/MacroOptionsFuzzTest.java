package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hush.runtime.HushException;
import dev.hush.runtime.Mutations;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plugin's dialogs as a macro fills them: every options string given to Denoise Image, Train Denoiser (Noise2Void
 * and pairs), Train on Folder and Compare Images is read into options or refused with a {@link HushException} that
 * names the option, never another exception (a number format, an index out of range, a null), whatever the string.
 */
class MacroOptionsFuzzTest {
    private static final ImagePlus NOISY = new ImagePlus("noisy.tif", new ByteProcessor(16, 16));
    private static final ImagePlus CLEAN = new ImagePlus("clean.tif", new ByteProcessor(16, 16));

    /** Each dialog's reading of {@code text}; returns how many refused it. */
    static int readEverywhere(String text) {
        int refused = 0;
        List<Parse> parsers = List.of(
                t -> DenoiseOptions.fromMacro(t),
                t -> TrainOptions.fromMacro(TrainOptions.N2V, NOISY, null, t),
                t -> TrainOptions.fromMacro(TrainOptions.PAIRS, NOISY, CLEAN, t),
                t -> TrainOnFolder.fromMacro(t),
                t -> CompareOptions.fromMacro(NOISY, t));
        for (Parse p : parsers) {
            try {
                p.read(text);
            } catch (HushException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
                refused++;
            } catch (RuntimeException e) {
                fail("macro options '" + abbreviate(text) + "' gave " + e + " instead of a HushException", e);
            }
        }
        return refused;
    }

    @FunctionalInterface
    private interface Parse {
        void read(String text) throws HushException;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    @FuzzTest(maxDuration = "60s")
    void macroOptions(String text) {
        readEverywhere(text);
    }

    @Test
    void hostileAndMangledOptionsAreReadOrRefusedWithAMessage() {
        List<String> valid = List.of(
                "model=image-gray-small device=cuda:1 tile=256 threads=2 channels=1,3 noise ensemble=8",
                "model=[File...] file=[/x y/m.onnx] device=auto",
                "name=cells-n2v file=[/tmp/m.onnx] architecture=unet depth=3 width=16 epochs=2 steps=5 patch=48 batch=4"
                        + " mask=0.02 denoise",
                "noisy=noisy.tif clean=clean.tif name=p architecture=residual epochs=1 steps=1 patch=32 batch=2",
                "folder=[/data/in] clean=[/data/clean] name=f epochs=1 steps=1",
                "noisy=noisy.tif denoised=noisy.tif truth=[None] layout=Montage");
        List<String> hostile = new ArrayList<>(List.of("", " ", "=", "==", "[", "]", "[]", "model=", "model=[",
                "model=[]", "tile=-5", "tile=1e400", "tile=NaN", "tile=0x10", "threads=2147483648", "threads=-0",
                "ensemble=8.5", "ensemble=", "channels=", "channels=,,", "channels=0", "channels=99", "channels=-1",
                "channels=1,1,1", "epochs=1e9", "steps=Infinity", "patch=7", "batch=0", "mask=NaN", "mask=-1",
                "mask=2", "depth=99999", "width=-3", "architecture=[]", "architecture=lstm", "file=[/dev/zero]",
                "file=[../../../../etc/passwd]", "name=[../x]", "name=[a/b]", "layout=[", "truth=[no such image]",
                "noisy=[]", "folder=[]", "clean=", "device=cuda:-1", "device=cuda:99999999999", "device=[ ]",
                "model=image-gray-small model=other", "\u0000", "model=\u202e", "tile=٣", "x".repeat(100_000),
                "model=[" + "a".repeat(70_000) + "]"));
        int refused = 0;
        for (String s : valid) {
            refused += readEverywhere(s);
            for (byte[] m : Mutations.of(s.getBytes(StandardCharsets.UTF_8), 80, s.hashCode())) {
                refused += readEverywhere(new String(m, StandardCharsets.UTF_8));
            }
        }
        for (String s : hostile) {
            refused += readEverywhere(s);
        }
        assertTrue(refused > 100, "most mangled options are refused: " + refused);
    }
}
