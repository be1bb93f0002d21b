package dev.hush.runtime.audio;

/** A growable FIFO of samples with random access from its head (one per channel or per signal in a pipeline). */
public final class FloatQueue {
    private float[] data = new float[4096];
    private int head;
    private int size;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void add(float[] x) {
        add(x, 0, x.length);
    }

    public void add(float[] x, int off, int len) {
        room(len);
        System.arraycopy(x, off, data, head + size, len);
        size += len;
    }

    public void add(float v) {
        room(1);
        data[head + size++] = v;
    }

    /** The {@code i}-th sample from the head. */
    public float get(int i) {
        return data[head + i];
    }

    public float poll() {
        float v = data[head];
        drop(1);
        return v;
    }

    public void take(float[] dst, int n) {
        System.arraycopy(data, head, dst, 0, n);
        drop(n);
    }

    public void drop(int n) {
        head += n;
        size -= n;
        if (size == 0) {
            head = 0;
        }
    }

    /** Makes room for {@code n} more after the tail: moves the content to the front, or grows. */
    private void room(int n) {
        if (size + n <= data.length - head) {
            return;
        }
        if (size + n > data.length) {
            float[] bigger = new float[Math.max(data.length * 2, size + n)];
            System.arraycopy(data, head, bigger, 0, size);
            data = bigger;
        } else {
            System.arraycopy(data, head, data, 0, size);
        }
        head = 0;
    }
}
