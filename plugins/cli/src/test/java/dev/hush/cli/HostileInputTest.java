package dev.hush.cli;

import static dev.hush.cli.HushCliTest.hush;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.cli.HushCliTest.Run;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.UserModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and careless inputs to the real {@code hush} command line (issue 15): each refused with a clear message. */
class HostileInputTest {
    @TempDir
    Path dir;

    @AfterEach
    void forgetUserModels() {
        System.clearProperty(UserModels.PROPERTY);
    }

    @Test
    void modelCardsAreReadOnlyBesideAModel() throws Exception {
        Path models = Files.createDirectories(dir.resolve("home/.hush/models"));
        System.setProperty(UserModels.PROPERTY, models.toString());
        Path secret = Files.createDirectories(dir.resolve("private")).resolve("notes.md");
        Files.writeString(secret, "# SECRET diary\n");
        String up = "../../../private/notes";
        for (String hostile : new String[] {up, up + ".md", secret.toString(), secret.toString().replace(".md", ""),
                "..", dir.resolve("private/notes.onnx").toString()}) {
            Run r = hush("models", "--card", hostile);
            assertEquals(1, r.code(), hostile + ": " + r.err());
            assertFalse(r.out().contains("SECRET"), hostile + " printed " + r.out());
            assertTrue(r.err().contains("no model card for") && r.err().contains("beside it"), r.err());
        }
        // A .onnx file beside the secret, but the secret is a link to elsewhere: still not printed.
        Path mineDir = Files.createDirectories(dir.resolve("mine"));
        Files.write(mineDir.resolve("linked.onnx"), ShippedModels.bytes("image-gray-fast"));
        Files.createSymbolicLink(mineDir.resolve("linked.md"), secret);
        Run linked = hush("models", "--card", mineDir.resolve("linked.onnx").toString());
        assertEquals(1, linked.code(), linked.err());
        assertFalse(linked.out().contains("SECRET"), linked.out());

        // What is allowed: a shipped model, a user model with its card, a model file's own card.
        Run shipped = hush("models", "--card", "image-gray-fast");
        assertEquals(0, shipped.code(), shipped.err());
        assertTrue(shipped.out().contains("image-gray-fast"), shipped.out());
        Files.write(models.resolve("own.onnx"), ShippedModels.bytes("image-gray-fast"));
        Files.writeString(models.resolve("own.md"), "# own card\n");
        Run user = hush("models", "--card", "own");
        assertEquals(0, user.code(), user.err());
        assertTrue(user.out().contains("# own card"), user.out());
        Files.write(mineDir.resolve("trained.onnx"), ShippedModels.bytes("image-gray-fast"));
        Files.writeString(mineDir.resolve("trained.md"), "# trained card\n");
        Run file = hush("models", "--card", mineDir.resolve("trained.onnx").toString());
        assertEquals(0, file.code(), file.err());
        assertTrue(file.out().contains("# trained card"), file.out());
        // A card without its model is not a model card.
        Files.writeString(models.resolve("orphan.md"), "# SECRET orphan\n");
        Run orphan = hush("models", "--card", "orphan");
        assertEquals(1, orphan.code());
        assertFalse(orphan.out().contains("SECRET"), orphan.out());
    }
}
