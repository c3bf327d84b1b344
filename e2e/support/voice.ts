// A microphone for test browsers: a WAV that Chromium's fake audio capture loops. Syllable-like bursts of a
// gliding tone (a steady sine would be treated as noise by the noise suppressor) with short pauses, so a
// receiver sees a level within a fraction of a second of the microphone opening.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function writeVoiceWav(seconds = 10, rate = 48_000): Promise<string> {
  const samples = seconds * rate;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const inBurst = t % 0.25 < 0.2; // 200 ms on, 50 ms off
    const freq = 300 + 200 * Math.sin(2 * Math.PI * 3 * t);
    const v = inBurst ? 0.5 * Math.sin(2 * Math.PI * freq * t) : 0;
    data.writeInt16LE(Math.round(v * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16); // PCM chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'inclubit-voice-')), 'voice.wav');
  await fs.writeFile(file, Buffer.concat([header, data]));
  return file;
}
