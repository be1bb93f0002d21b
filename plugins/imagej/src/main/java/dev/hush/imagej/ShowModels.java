package dev.hush.imagej;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.UserModels;
import ij.IJ;
import ij.plugin.PlugIn;
import ij.text.TextWindow;
import java.awt.GraphicsEnvironment;
import java.util.List;

/**
 * Plugins › Hush › Hush Models...: the installed models, one line each with their contract, then each model's card
 * (what it was trained on, how, and how well it does). In a text window, or in the log when headless.
 */
public class ShowModels implements PlugIn {
    static final String TITLE = "Hush models";

    @Override
    public void run(String arg) {
        String text = listing();
        if (GraphicsEnvironment.isHeadless()) {
            IJ.log(text);
        } else {
            new TextWindow(TITLE, text, 760, 560);
        }
    }

    /** The listing as text: a summary line per model, then the cards. */
    static String listing() {
        List<String> names = ShippedModels.names();
        if (names.isEmpty()) {
            return "No Hush models are installed: hush-models-*.jar is missing from Fiji's jars folder"
                    + " (docs/imagej.md says what to copy where).";
        }
        StringBuilder sb = new StringBuilder("Installed Hush models (use the name in Hush Denoise Image... or model=[name]"
                + " in a macro):\n\n");
        for (String name : names) {
            sb.append(name).append("  ");
            try {
                // Read from the file's metadata: no ONNX Runtime session is built for a listing.
                sb.append(DenoiserModel.readContract(name).summary());
            } catch (HushException e) {
                sb.append("cannot be opened: ").append(e.getMessage());
            }
            sb.append('\n');
        }
        List<String> mine = UserModels.names();
        sb.append(mine.isEmpty() ? "\nYour own models: none in " + UserModels.folder() + " (put NAME.onnx and NAME.md"
                + " there, or set HUSH_MODELS, to list them here and in Hush Denoise Image...)\n"
                : "\nYour own models (" + UserModels.folder() + "):\n");
        for (String name : mine) {
            sb.append(name).append("  ");
            try {
                sb.append(DenoiserModel.readContract(UserModels.find(name).orElseThrow().toString()).summary());
            } catch (HushException e) {
                sb.append("cannot be opened: ").append(e.getMessage());
            }
            sb.append('\n');
        }
        for (String name : names) {
            sb.append("\n----------------------------------------------------------------\n");
            try {
                sb.append(ShippedModels.card(name).strip()).append('\n');
            } catch (HushException e) {
                sb.append(name).append(": no model card (").append(e.getMessage()).append(")\n");
            }
        }
        for (String name : mine) {
            sb.append("\n----------------------------------------------------------------\n");
            sb.append(UserModels.card(name).map(String::strip).orElse(name + ": no model card (" + name
                    + ".md) beside the model")).append('\n');
        }
        return sb.toString();
    }
}
