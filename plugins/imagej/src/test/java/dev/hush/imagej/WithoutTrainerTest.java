package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Fiji with the runtime and the models but without the trainer, DJL and PyTorch: the plugin, ImageJ and the runtime
 * are loaded afresh in a class loader that holds only those jars, and there Denoise Image... and Compare... work
 * while Train Denoiser says which jars to install.
 */
class WithoutTrainerTest {
    @Test
    void missingPartsAreNamedByJar() {
        ClassLoader hidingDjl = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public URL getResource(String name) {
                return name.startsWith("ai/djl/") ? null : super.getResource(name);
            }
        };
        assertEquals(List.of(), TrainerJars.missing(getClass().getClassLoader()), "the test class path has them all");
        assertEquals(List.of("api-*.jar (DJL)", "pytorch-engine-*.jar"), TrainerJars.missing(hidingDjl));
    }

    @Test
    void denoiseAndCompareWorkAndTrainingSaysWhatToInstall() throws Exception {
        Set<URL> urls = new LinkedHashSet<>();
        for (Class<?> c : List.of(WithoutTrainerTest.class, DenoiseImage.class, IJ.class, dev.hush.runtime.DenoiserModel.class,
                ai.onnxruntime.OrtEnvironment.class, org.slf4j.Logger.class)) {
            urls.add(c.getProtectionDomain().getCodeSource().getLocation());
        }
        URL models = getClass().getClassLoader().getResource("hush/models/models.list");
        String jar = models.toString();
        urls.add(new URL(jar.startsWith("jar:") ? jar.substring(4, jar.indexOf("!/")) : jar.replace("hush/models/models.list", "")));
        for (URL u : urls) {
            assertTrue(!u.toString().contains("djl") && !u.toString().contains("hush-trainer"), u.toString());
        }
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader fiji = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertNull(fiji.getResource("ai/djl/engine/Engine.class"));
            thread.setContextClassLoader(fiji);
            // The same class, loaded again by that loader: a package of its own, hence setAccessible.
            java.lang.reflect.Method run = fiji.loadClass(WithoutTrainerTest.class.getName()).getDeclaredMethod("runCommands");
            run.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<String> report = (List<String>) run.invoke(null);
            assertEquals("denoised: cells-denoised", report.get(0));
            assertEquals("compared: cells-comparison", report.get(1));
            assertTrue(report.get(2).startsWith("Train Denoiser: training needs the Hush trainer and DJL/PyTorch jars"),
                    report.get(2));
            assertTrue(report.get(2).contains("missing: hush-trainer-*.jar, api-*.jar (DJL), pytorch-engine-*.jar,"
                    + " pytorch-jni-*.jar, pytorch-native-cpu-*.jar (for this platform), protobuf-java-*.jar"), report.get(2));
            assertTrue(report.get(2).contains("Hush Denoise Image... works without them"), report.get(2));
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Runs inside the trainer-less class loader: its ImageJ is a separate copy with its own state. */
    static List<String> runCommands() throws Exception {
        HeadlessImageJ.install();
        List<String> report = new ArrayList<>();
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        List<ImagePlus> made = HeadlessImageJ.run(imp, "Hush Denoise Image...", "model=[image-gray-small] tile=32 threads=1");
        report.add("denoised: " + made.get(0).getTitle());
        imp.show();
        made = HeadlessImageJ.run(imp, "Hush Compare...", "noisy=cells denoised=cells-denoised");
        report.add("compared: " + made.get(0).getTitle());
        IJ.getErrorMessage();
        HeadlessImageJ.Run run = HeadlessImageJ.attempt(imp, "Hush Train Denoiser (Noise2Void)...", "epochs=1");
        report.add(run.aborted() ? IJ.getErrorMessage() : "not refused");
        HeadlessImageJ.closeAll();
        return report;
    }
}
