package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.UserModels;
import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models in the user's folder appear beside the shipped ones and run by name from a macro. */
class UserModelsTest {
    @TempDir
    static Path folder;

    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
        Files.write(folder.resolve("my-denoiser.onnx"), ShippedModels.bytes("image-gray-small"));
        Files.writeString(folder.resolve("my-denoiser.md"), "# my-denoiser\n\nA copy of image-gray-small, for the test.\n");
        Files.writeString(folder.resolve("notes.txt"), "not a model");
        System.setProperty(UserModels.PROPERTY, folder.toString());
    }

    @AfterAll
    static void tearDown() {
        System.clearProperty(UserModels.PROPERTY);
    }

    @AfterEach
    void closeImages() {
        HeadlessImageJ.closeAll();
    }

    @Test
    void theDialogListsUserModelsAfterTheShippedOnes() {
        List<String> listed = ModelChoice.listedModels();
        assertEquals(List.of("my-denoiser"), UserModels.names());
        assertTrue(listed.indexOf("my-denoiser") > listed.indexOf("image-gray-small"), listed.toString());
        assertTrue(ShowModels.listing().contains("my-denoiser") && ShowModels.listing().contains("A copy of image-gray-small"));
    }

    @Test
    void aUserModelRunsByNameAndGivesWhatTheSameWeightsGive() {
        ImagePlus a = TestImages.image("a", "8-bit", 1);
        ImagePlus b = TestImages.image("b", "8-bit", 1);
        ImagePlus mine = HeadlessImageJ.run(a, DenoiseImageTest.COMMAND, "model=[my-denoiser] device=cpu tile=32 threads=1")
                .get(0);
        ImagePlus shipped = HeadlessImageJ.run(b, DenoiseImageTest.COMMAND, DenoiseImageTest.OPTIONS).get(0);
        assertArrayEquals((byte[]) shipped.getProcessor().getPixels(), (byte[]) mine.getProcessor().getPixels());
    }
}
