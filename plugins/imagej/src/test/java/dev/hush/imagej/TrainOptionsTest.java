package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.HushException;
import dev.hush.trainer.arch.Architectures;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.plugin.frame.Recorder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train Denoiser's options: defaults named after the image, macro keys, and what the recorder writes. */
class TrainOptionsTest {
    @TempDir
    Path dir;

    private static ImagePlus image(String title) {
        return IJ.createImage(title, "8-bit black", 64, 64, 1);
    }

    @Test
    void theModelIsNamedAfterTheImageAndGoesBesideIt() throws Exception {
        ImagePlus opened = image("cells 01.tif");
        FileInfo info = new FileInfo();
        info.directory = dir.toString() + "/";
        info.fileName = "cells 01.tif";
        opened.setFileInfo(info);
        TrainOptions d = TrainOptions.fromMacro(TrainOptions.N2V, opened, null, "");
        assertEquals("cells-01-n2v", d.name());
        assertEquals(dir.resolve("cells-01-n2v.onnx").toString(), d.file());
        assertEquals("residual", d.architecture());
        assertEquals(0.02, d.mask());
        TrainOptions made = TrainOptions.fromMacro(TrainOptions.N2V, image("Untitled"), null, "name=nuclei");
        assertEquals(TrainOptions.HOME_MODELS.resolve("nuclei.onnx").toString(), made.file(),
                "an image from no folder: ~/hush-models, named after the model");
        assertEquals("image-pairs", TrainOptions.modelName("???", TrainOptions.PAIRS));
        assertEquals("stack.ome-n2v", TrainOptions.modelName("stack.ome.ome.tif", TrainOptions.N2V));
    }

    @Test
    void theRecordedOptionsReadBackTheSame() throws Exception {
        TrainOptions asked = new TrainOptions(TrainOptions.PAIRS, "noisy image", "clean", "m1", dir.resolve("a b.onnx")
                .toString(), "unet", 3, 8, 4, 20, 48, 8, 0.02, true);
        Recorder.resetCommandOptions();
        asked.record();
        String recorded = Recorder.getCommandOptions();
        assertTrue(recorded.contains("noisy=[noisy image]"), recorded);
        assertEquals(asked, TrainOptions.fromMacro(TrainOptions.PAIRS, image("noisy image"), null, recorded));
        TrainOptions n2v = new TrainOptions(TrainOptions.N2V, "", "", "m2", dir.resolve("m2.onnx").toString(), "conv", 0, 0,
                1, 1, 16, 1, 0.125, false);
        Recorder.resetCommandOptions();
        n2v.record();
        assertEquals(n2v, TrainOptions.fromMacro(TrainOptions.N2V, image("x"), null, Recorder.getCommandOptions()));
    }

    @Test
    void theArchitecturesAreTheTrainers() {
        assertTrue(Architectures.NAMES.containsAll(TrainOptions.ARCHITECTURES), Architectures.NAMES.toString());
    }

    @Test
    void maskIsNotAnOptionOfPairs() {
        HushException e = assertThrows(HushException.class, () -> TrainOptions.fromMacro(TrainOptions.PAIRS, image("n"),
                null, "clean=c mask=0.1"));
        assertTrue(e.getMessage().contains("unknown option 'mask'"), e.getMessage());
    }
}
