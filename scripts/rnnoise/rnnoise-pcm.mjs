// RNNoise as a benchmark peer for `hush bench audio` (docs/audio.md): node rnnoise-pcm.mjs IN.f32 OUT.f32
// Reads 48 kHz mono float32 little-endian PCM in [-1, 1] from argv[2], writes RNNoise's output to argv[3].
import { readFileSync, writeFileSync } from "node:fs";
// The package is built for browsers only; it runs in Node once it sees a window object.
globalThis.window = globalThis;
const { Rnnoise } = await import("@shiguredo/rnnoise-wasm");
const input = readFileSync(process.argv[2]);
const x = new Float32Array(input.buffer, input.byteOffset, input.byteLength / 4);
const rnnoise = await Rnnoise.load();
const st = rnnoise.createDenoiseState();
const n = rnnoise.frameSize;
const out = new Float32Array(x.length);
const frame = new Float32Array(n);
for (let i = 0; i < x.length; i += n) {
  frame.fill(0);
  for (let j = 0; j < n && i + j < x.length; j++) frame[j] = x[i + j] * 32768;
  st.processFrame(frame);
  for (let j = 0; j < n && i + j < x.length; j++) out[i + j] = frame[j] / 32768;
}
st.destroy();
writeFileSync(process.argv[3], Buffer.from(out.buffer));
