package dev.hush.imagej;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Menus;
import ij.WindowManager;
import ij.macro.Interpreter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ImageJ 1.x with no display, as a batch-mode macro sees it (Fiji's --headless runs macros that way): commands
 * run through {@code IJ.run(imp, "Hush Denoise Image...", options)}, and the images they show land in batch mode,
 * where {@link WindowManager} finds them.
 */
final class HeadlessImageJ {
    private static final Pattern CONFIG_LINE = Pattern.compile("^\\s*([^,#]+),\\s*\"([^\"]+)\",\\s*(\\S+)\\s*$");
    private static boolean installed;

    private HeadlessImageJ() {
    }

    /** Registers the commands of our plugins.config, as ImageJ does for a plugin jar in plugins/. */
    static synchronized void install() throws Exception {
        if (installed) {
            return;
        }
        if (Menus.getCommands() == null) {
            // ImageJ builds its command table together with its AWT menus, which cannot exist headless (Fiji's
            // ij1-patcher works around that); an empty table is all IJ.run needs to find our commands.
            Field table = Menus.class.getDeclaredField("pluginsTable");
            table.setAccessible(true);
            table.set(null, new Hashtable<String, String>());
        }
        Menus.getCommands().putAll(pluginsConfig());
        Interpreter.batchMode = true;
        installed = true;
    }

    /** Command → class, read from the plugins.config that goes into the plugin jar. */
    static Map<String, String> pluginsConfig() throws IOException {
        Map<String, String> commands = new LinkedHashMap<>();
        try (InputStream in = DenoiseImage.class.getResourceAsStream("/plugins.config")) {
            if (in == null) {
                throw new IOException("plugins.config is not on the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                Matcher m = CONFIG_LINE.matcher(line);
                if (m.matches()) {
                    commands.put(m.group(2), m.group(3));
                }
            }
        }
        return commands;
    }

    /** What a command run left: the images it opened, and whether it aborted the (macro) run with an error. */
    record Run(List<ImagePlus> made, boolean aborted) {
    }

    /** Runs a command on {@code imp} (null: no image) and returns the images it opened. */
    static List<ImagePlus> run(ImagePlus imp, String command, String options) {
        Run run = attempt(imp, command, options);
        if (run.aborted()) {
            throw new AssertionError(command + " failed: " + IJ.getErrorMessage());
        }
        return run.made();
    }

    /**
     * Runs a command that may fail. An error shown with IJ.error aborts the macro that ran the command, as it
     * would stop a user's macro; here that surfaces as IJ.run throwing "Macro canceled".
     */
    static Run attempt(ImagePlus imp, String command, String options) {
        List<Integer> before = ids();
        boolean aborted = false;
        try {
            IJ.run(imp, command, options);
        } catch (RuntimeException e) {
            if (!Macro.MACRO_CANCELED.equals(e.getMessage())) {
                throw e;
            }
            aborted = true;
        }
        List<ImagePlus> made = new ArrayList<>();
        for (int id : ids()) {
            if (!before.contains(id)) {
                made.add(WindowManager.getImage(id));
            }
        }
        return new Run(made, aborted);
    }

    static List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        int[] list = WindowManager.getIDList();
        if (list != null) {
            for (int id : list) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Closes every image a test left open, so the next starts with none. */
    static void closeAll() {
        for (int id : ids()) {
            ImagePlus imp = WindowManager.getImage(id);
            if (imp != null) {
                imp.changes = false;
                imp.close();
            }
        }
        WindowManager.setTempCurrentImage(null);
    }
}
