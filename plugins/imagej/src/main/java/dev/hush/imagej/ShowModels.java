package dev.hush.imagej;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import ij.IJ;
import ij.plugin.PlugIn;
import ij.text.TextWindow;
import java.awt.GraphicsEnvironment;
import java.util.List;

/**
 * Plugins › Hush › Models...: the installed models, one line each with their contract, then each model's card
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
        StringBuilder sb = new StringBuilder("Installed Hush models (use the name in Denoise Image... or model=[name]"
                + " in a macro):\n\n");
        for (String name : names) {
            sb.append(name).append("  ");
            try (DenoiserModel m = DenoiserModel.openShipped(name, SessionConfig.defaults().withThreads(1))) {
                sb.append(m.contract().summary());
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
        return sb.toString();
    }
}
