package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.image.data.Textures;
import dev.hush.trainer.onnx.OnnxExport;
import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins › Hush › Hush Anomaly Map... on real ImageJ classes with a real (tiny, quickly trained) anomaly model. */
class AnomalyMapCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void train() throws Exception {
        HeadlessImageJ.install();
        ImageTrainingConfig c = ImageTrainingConfig.defaults().with("mode", "anomaly").with("data", "textures")
                .with("architecture", "conv").with("global_residual", "false").with("depth", "3").with("width", "8")
                .with("patch", "32").with("batch", "8").with("epochs", "1").with("steps", "40").with("val_images", "4")
                .with("val_size", "64").with("seed", "5").with("threads", "1").with("lr", "0.003");
        ImageTrainer.Result r = new ImageTrainer(c).train(new TrainingProgress() { });
        model = dir.resolve("anomaly.onnx");
        OnnxExport.write(r.model(), model);
    }

    @AfterAll
    static void close() {
        HeadlessImageJ.closeAll();
    }

    @Test
    void mapsEveryPlaneCalibratedWithTheScoreInTheLogAndInfo() {
        SplittableRandom rnd = new SplittableRandom(9);
        int w = 96;
        int h = 80;
        ij.ImageStack stack = new ij.ImageStack(w, h);
        for (int z = 0; z < 2; z++) {
            float[] clean = new Textures().generate(w, h, rnd);
            float[] px = z == 0 ? clean : Textures.withDefect(clean, w, h, "spot", rnd).image();
            for (int i = 0; i < px.length; i++) {
                px[i] *= 255;
            }
            stack.addSlice(new FloatProcessor(w, h, px));
        }
        ImagePlus imp = new ImagePlus("textures.tif", stack);
        List<ImagePlus> made = HeadlessImageJ.run(imp, AnomalyMapCommand.COMMAND, "model=[" + model + "]");
        assertEquals(1, made.size());
        ImagePlus map = made.get(0);
        assertEquals("textures-anomaly", map.getTitle());
        assertEquals(32, map.getBitDepth());
        assertEquals(2, map.getStackSize());
        assertEquals(w, map.getWidth());
        String info = (String) map.getProperty("Info");
        assertTrue(info.contains("plane 1: anomaly score") && info.contains("plane 2: anomaly score"), info);
        assertTrue(info.contains("1.0 = 99th percentile of normal"), "the trained model is calibrated: " + info);
        assertTrue(map.getStack().getProcessor(1).getStatistics().max > 0, "a map, not zeros");
        assertFalse(imp.changes, "the original is untouched");
    }

    @Test
    void colourImagesAndAMissingModelAreRefusedWithWhatToDo() {
        ImagePlus rgb = IJ.createImage("rgb", "RGB black", 32, 32, 1);
        HeadlessImageJ.Run r = HeadlessImageJ.attempt(rgb, AnomalyMapCommand.COMMAND, "model=[" + model + "]");
        assertTrue(r.aborted());
        assertTrue(IJ.getErrorMessage().contains("one grey channel"));
        ImagePlus grey = IJ.createImage("grey", "8-bit black", 32, 32, 1);
        HeadlessImageJ.Run none = HeadlessImageJ.attempt(grey, AnomalyMapCommand.COMMAND, "model=[]");
        assertTrue(none.aborted());
        assertTrue(IJ.getErrorMessage().contains("no anomaly model given"));
        // The shipped sound model is refused for images, and the default is the image demonstration.
        HeadlessImageJ.Run sound = HeadlessImageJ.attempt(grey, AnomalyMapCommand.COMMAND,
                "model=[audio-anomaly-machines]");
        assertTrue(sound.aborted());
        assertTrue(IJ.getErrorMessage().contains("scores sounds"), IJ.getErrorMessage());
        assertEquals("image-anomaly-textures", AnomalyMapCommand.defaultModel());
    }
}
