package dev.hush.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeometryTest {
    @Test
    void mirrorReflectsWithoutRepeatingTheEdge() {
        int[] got = new int[9];
        for (int i = -4; i <= 4; i++) {
            got[i + 4] = Mirror.index(i, 3);
        }
        assertArrayEquals(new int[] {0, 1, 2, 1, 0, 1, 2, 1, 0}, got);
        assertEquals(0, Mirror.index(-7, 1));
        assertEquals(3, Mirror.index(5, 5));
    }

    @Test
    void tilesCoverEveryPixelAndRespectTheMultiple() {
        for (int size : new int[] {1, 5, 63, 64, 65, 700, 1000}) {
            for (int tile : new int[] {16, 64, 128}) {
                TileGrid g = TileGrid.along(size, tile, 5, 8);
                assertEquals(0, g.window() % 8, "window multiple of 8");
                boolean[] covered = new boolean[size];
                for (int s : g.starts()) {
                    assertTrue(s >= 0);
                    for (int i = s; i < Math.min(size, s + g.core()); i++) {
                        covered[i] = true;
                    }
                }
                for (int i = 0; i < size; i++) {
                    assertTrue(covered[i], "pixel " + i + " of " + size + " with tile " + tile);
                }
                for (int i = 0; i < g.core(); i++) {
                    assertTrue(g.weight(i) > 0);
                }
            }
        }
    }

    @Test
    void tilesAreAsFewAsTheRequestedCoreNeedsAndStartOnTheMultiple() {
        for (int multiple : new int[] {1, 8, 16}) {
            for (int halo : new int[] {0, 5, 91}) {
                for (int tile : new int[] {64, 512, 1024}) {
                    for (int size = 1; size <= 4200; size += 7) {
                        TileGrid g = TileGrid.along(size, tile, halo, multiple);
                        int want = Math.max(1, (size + Math.max(tile, multiple) - 1) / Math.max(tile, multiple));
                        assertTrue(g.starts().length <= want, size + " px at tile " + tile + ", halo " + halo
                                + ", multiple " + multiple + ": " + g.starts().length + " tiles, not at most " + want);
                        assertEquals(0, g.window() % multiple, "window on the multiple");
                        int end = 0;
                        for (int st : g.starts()) {
                            assertEquals(0, st % multiple, "start on the multiple");
                            assertTrue(st <= end, "no gap before " + st);
                            end = Math.max(end, st + g.core());
                        }
                        assertTrue(end >= size, "the last core reaches the end");
                    }
                }
            }
        }
        assertEquals(2, TileGrid.along(2048, 1024, 91, 8).starts().length, "2048 px at 1024: two tiles, not three");
    }

    @Test
    void exactWindowsCoverEverySizeWithCoresInsideTheHalo() {
        // A 32-pixel model with halo 8: windows of 32, cores of 16, whether the image is smaller or larger.
        for (int size : new int[] {1, 7, 16, 31, 32, 33, 100}) {
            TileGrid g = TileGrid.exact(size, 32, 8);
            assertEquals(32, g.window());
            assertEquals(16, g.core());
            boolean[] covered = new boolean[size];
            for (int s : g.starts()) {
                assertTrue(s >= 0 && s < size);
                for (int i = s; i < Math.min(size, s + g.core()); i++) {
                    covered[i] = true;
                }
            }
            for (int i = 0; i < size; i++) {
                assertTrue(covered[i], "pixel " + i + " of " + size);
            }
        }
        assertEquals(1, TileGrid.exact(10, 32, 8).starts().length, "smaller than the core: one mirrored window");
        assertThrows(IllegalArgumentException.class, () -> TileGrid.exact(50, 16, 8));
    }

    @Test
    void percentileNormalisationMapsToUnitRangeAndBack() {
        float[] v = new float[1001];
        for (int i = 0; i < v.length; i++) {
            v[i] = 100 + i;
        }
        Normalization n = Normalization.percentile(v, 0, 100);
        assertEquals(100, n.low(), 1e-9);
        assertEquals(1100, n.high(), 1e-9);
        assertEquals(0.5f, n.apply(600), 1e-6);
        assertEquals(600f, n.invert(n.apply(600)), 1e-3);
        Normalization flat = Normalization.percentile(new float[] {7, 7, 7}, 0.1, 99.9);
        assertEquals(0f, flat.apply(7));
        assertEquals(7f, flat.invert(0));
    }
}
