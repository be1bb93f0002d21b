package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ImageJ with its windows, on an Xvfb display: the built Fiji layout (target/fiji) is its plugins folder and its
 * jars/ the class path, as in Fiji. A macro opens an image, runs Denoise Image... and saves the result, which must
 * match the runtime's; a tiny Noise2Void training runs from a macro with its live loss plot (DJL loaded from jars/
 * as in Fiji) and denoises with the new model; then the Denoise, Train and Compare dialogs are opened as from the menu.
 * The dialogs and the plot are captured to target/screenshots/*.png. Runs after 'package' (it needs the layout) in the integration-test phase, and is skipped,
 * saying why, where there is no Xvfb.
 */
class ImageJGuiIT {
    private static final Path FIJI = Path.of("target", "fiji").toAbsolutePath();
    private static final Path SHOTS = Path.of("target", "screenshots").toAbsolutePath();
    private static Process xvfb;
    private static String display;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDisplay() throws Exception {
        String exe = onPath("Xvfb");
        assumeTrue(exe != null, "Xvfb is not installed (apt-get install xvfb); the GUI test needs a virtual display");
        // -displayfd 1: Xvfb picks a free display itself and prints its number once it accepts connections.
        xvfb = new ProcessBuilder(exe, "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8));
        String line = readLine(out, 15);
        assumeTrue(line != null && line.strip().matches("\\d+"), "Xvfb did not start a display (it printed '" + line
                + "'); the GUI test needs one");
        display = ":" + line.strip();
    }

    @AfterAll
    static void stopDisplay() {
        if (xvfb != null) {
            xvfb.destroy();
        }
    }

    private static String readLine(BufferedReader r, int seconds) throws Exception {
        String[] line = new String[1];
        Thread t = new Thread(() -> {
            try {
                line[0] = r.readLine();
            } catch (IOException ignored) {
                // no display number
            }
        });
        t.setDaemon(true);
        t.start();
        t.join(seconds * 1000L);
        return line[0];
    }

    private static String onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    @Test
    void aMacroDenoisesInRealImageJAndTheDialogsAreCaptured() throws Exception {
        Path plugin;
        try (Stream<Path> s = Files.list(FIJI.resolve("plugins"))) {
            plugin = s.filter(p -> p.getFileName().toString().startsWith("Hush_")).findFirst().orElse(null);
        }
        assertNotNull(plugin, "the Fiji layout is built (mvn package) before this test");
        ImagePlus input = TestImages.image("cells.tif", "8-bit", 1);
        Path in = dir.resolve("cells.tif");
        Path out = dir.resolve("cells-denoised.tif");
        assertTrue(new FileSaver(input).saveAsTiff(in.toString()));

        List<String> classPath = new ArrayList<>();
        // jars/ and its platform folder as Fiji's launcher puts them on the class path, plus the libraries that Fiji
        // itself ships and the layout leaves out (copied to target/fiji-provided to stand in for Fiji's).
        for (Path folder : List.of(FIJI.resolve("jars"), FIJI.resolve("jars").resolve("linux64"),
                FIJI.getParent().resolve("fiji-provided"))) {
            try (Stream<Path> s = Files.list(folder)) {
                s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classPath.add(p.toString()));
            }
        }
        classPath.add(new File(IJ.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        classPath.add(GuiDriver.location().toString());
        Path home = Files.createDirectories(dir.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=false", "-Dplugins.dir=" + FIJI, "-Duser.home=" + home, "-Xmx1g",
                // ImageJ's preferences go to the scratch home; PyTorch's natives stay in the usual DJL cache (~0.9 GB
                // unpacked), shared with the trainer's tests instead of unpacked afresh each run.
                "-DDJL_CACHE_DIR=" + Path.of(System.getProperty("user.home"), ".djl.ai"),
                "-cp", String.join(File.pathSeparator, classPath), GuiDriver.class.getName(),
                in.toString(), out.toString(), SHOTS.toString(), dir.resolve("gui-n2v.onnx").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("driver.log").toFile());
        pb.environment().put("DISPLAY", display);
        // What docs/imagej.md tells Fiji users to set on CPUs where PyTorch's oneDNN training turns to NaN.
        pb.environment().put("ONEDNN_MAX_CPU_ISA", "SSE41");
        long start = System.nanoTime();
        Process driver = pb.start();
        boolean done = driver.waitFor(150, TimeUnit.SECONDS);
        if (!done) {
            driver.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("driver.log"));
        System.out.printf("ImageJ GUI run: %.1f s%n%s%n", (System.nanoTime() - start) / 1e9, log);
        assertTrue(done, "ImageJ finished within 150 s:\n" + log);
        assertEquals(0, driver.exitValue(), log);

        ImagePlus saved = IJ.openImage(out.toString());
        assertNotNull(saved, "the macro saved the denoised image");
        assertEquals(8, saved.getBitDepth());
        assertEquals(TestImages.W, saved.getWidth());
        float[] values = TestImages.values(input.getProcessor(), DenoiseImageTest.ALL, 0);
        try (DenoiserModel model = DenoiserModel.openShipped("image-gray-small", SessionConfig.defaults().withThreads(1))) {
            float[] want = new ImageDenoiser(model).denoise(FloatImage.gray(TestImages.W, TestImages.H, values),
                    ProgressListener.NONE).data();
            DenoiseImageTest.assertMatches(want, TestImages.values(saved.getProcessor(), DenoiseImageTest.ALL, 0), 8);
        }

        assertTrue(Files.isRegularFile(dir.resolve("gui-n2v.onnx")), "the training macro wrote its model:\n" + log);
        assertTrue(log.contains("Train Denoiser: wrote"), log);
        // Stopped from its window after its first epoch: a model was written, and the log says it was stopped.
        assertTrue(Files.isRegularFile(dir.resolve("gui-stopped.onnx")), log);
        assertTrue(log.contains("stopped after") && log.contains("of 4000 steps"), log);
        for (String name : List.of("denoise-dialog.png", "train-n2v-dialog.png", "compare-dialog.png", "train-folder-dialog.png",
                "training-loss-plot.png", "compare-montage.png", "training-controls.png")) {
            BufferedImage shot = ImageIO.read(SHOTS.resolve(name).toFile());
            assertNotNull(shot, name);
            assertTrue(shot.getWidth() > 200 && shot.getHeight() > 100, name + " is " + shot.getWidth() + "×"
                    + shot.getHeight());
            assertTrue(GuiDriver.paintedShare(shot) > 0.5, name + " is painted, not a black rectangle");
            assertTrue(darkPixels(shot) > 500, name + " shows text and lines, not a blank rectangle");
        }
    }

    /** Pixels darker than mid-grey: text and field borders on the light dialog background. */
    private static int darkPixels(BufferedImage img) {
        int dark = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 3 * 100) {
                    dark++;
                }
            }
        }
        return dark;
    }
}
