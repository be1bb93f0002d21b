package dev.hush.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example, taken from the README as it stands, compiles and runs. */
class ReadmeExampleTest {

    static String example() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Embedding the runtime");
        assertTrue(section >= 0, "the README has its embedding section");
        int start = readme.indexOf("```java\n", section);
        int end = readme.indexOf("```", start + 8);
        assertTrue(start > 0 && end > start, "the section has a java block");
        return readme.substring(start + 8, end);
    }

    @Test
    void theEmbeddingExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
        String source = example();
        assertTrue(source.contains("public class Embed"), "the example is a whole class");
        Files.writeString(dir.resolve("Embed.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-cp", System.getProperty("java.class.path"), "-d",
                dir.toString(), dir.resolve("Embed.java").toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream was = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass("Embed").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(was);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("image-gray-small: image, 1 channel"), out);
        assertTrue(out.contains("denoised 300x200"), out);
        assertTrue(out.contains("audio: 16000 samples; live delay"), out);
    }
}
