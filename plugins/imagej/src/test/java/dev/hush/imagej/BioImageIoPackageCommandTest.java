package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.trainer.bioimageio.BioImageIoPackage;
import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Denoise Image... with a bioimage.io package as the model (model=[package.zip]), on real ImageJ classes. */
class BioImageIoPackageCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
    }

    @AfterEach
    void closeImages() {
        HeadlessImageJ.closeAll();
    }

    @Test
    void aPackageIsAModelLikeAnyOther() throws Exception {
        Path zip = dir.resolve("gray.zip");
        BioImageIoPackage.open("image-gray-small").write(zip);
        ImagePlus imp = TestImages.image("cells", "16-bit", 2);
        ImagePlus viaPackage = DenoiseImageTest.only(HeadlessImageJ.run(imp, DenoiseImageTest.COMMAND,
                "model=[" + zip + "] device=cpu tile=32 threads=1"));
        ImagePlus viaName = DenoiseImageTest.only(HeadlessImageJ.run(imp, DenoiseImageTest.COMMAND,
                DenoiseImageTest.OPTIONS));
        assertEquals(2, viaPackage.getStackSize());
        for (int i = 1; i <= 2; i++) {
            assertTrue(Arrays.equals((short[]) viaName.getStack().getPixels(i),
                    (short[]) viaPackage.getStack().getPixels(i)), "plane " + i + ": the package runs the same model");
        }
    }

    @Test
    void aPackageThatIsNotOneSaysWhy() throws Exception {
        Path bad = dir.resolve("empty.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(bad))) {
            z.putNextEntry(new java.util.zip.ZipEntry("README.md"));
            z.write("not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        HeadlessImageJ.Run r = HeadlessImageJ.attempt(imp, DenoiseImageTest.COMMAND, "model=[" + bad + "]");
        assertTrue(r.aborted());
        assertTrue(IJ.getErrorMessage().contains("no rdf.yaml"), IJ.getErrorMessage());
    }
}
