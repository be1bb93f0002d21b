package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShowModelsTest {
    @Test
    void listsEachModelWithItsContractAndCard() {
        String text = ShowModels.listing();
        assertTrue(text.contains("image-gray-small  image, 1 channel, halo"), text);
        assertTrue(text.contains("\n# "), "the card follows: " + text);
    }

    @Test
    void pluginsConfigNamesTheCommands() throws Exception {
        Map<String, String> commands = HeadlessImageJ.pluginsConfig();
        assertTrue(commands.get("Hush Denoise Image...").equals(DenoiseImage.class.getName()), commands.toString());
        assertTrue(commands.get("Hush Models...").equals(ShowModels.class.getName()), commands.toString());
        assertTrue(commands.get("Hush Compare...").equals(CompareImages.class.getName()), commands.toString());
        assertTrue(commands.get("Hush Train Denoiser (Noise2Void)...").equals(TrainDenoiser.class.getName() + "(\"n2v\")"),
                commands.toString());
        assertTrue(commands.get("Hush Train Denoiser (Pairs)...").equals(TrainDenoiser.class.getName() + "(\"pairs\")"),
                commands.toString());
        for (String cls : commands.values()) {
            // A command may pass an argument to its class: dev.hush.imagej.TrainDenoiser("n2v").
            String name = cls.replaceFirst("\\(.*\\)$", "");
            assertTrue(ij.plugin.PlugIn.class.isAssignableFrom(Class.forName(name)), cls);
        }
    }
}
