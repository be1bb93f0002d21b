package dev.hush.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceTest {
    @Test
    void parsesNamesAndIndices() throws Exception {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.CPU, Device.parse(null));
        assertEquals(new Device(Device.Kind.CUDA, 1), Device.parse("CUDA:1"));
        assertEquals("cuda:1", Device.parse("cuda:1").toString());
        assertEquals(Device.Kind.AUTO, Device.parse("auto").kind());
        assertEquals(Device.Kind.OPENVINO, Device.parse("openvino").kind());
    }

    @Test
    void rejectsUnknownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("gpu"));
        assertTrue(e.getMessage().contains("cuda[:N]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:x"));
    }
}
