// The length of a PCM WAV upload from its first 44 bytes: the one audio format whose duration is
// cheap to read exactly (data bytes ÷ byte rate). Anything else, or a header whose fields disagree
// with each other, gives null and the relay holds for the bound from the upload's size instead.

/** Bytes of the canonical RIFF/WAVE header. */
export const WAV_HEADER_BYTES = 44;

export function wavSeconds(head: Uint8Array, size: number): number | null {
  if (head.length < WAV_HEADER_BYTES) return null;
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.length);
  const text = (start: number) => bytes.toString('latin1', start, start + 4);
  if (text(0) !== 'RIFF' || text(8) !== 'WAVE' || text(12) !== 'fmt ' || text(36) !== 'data') return null;
  const format = bytes.readUInt16LE(20);
  const channels = bytes.readUInt16LE(22);
  const sampleRate = bytes.readUInt32LE(24);
  const byteRate = bytes.readUInt32LE(28);
  const blockAlign = bytes.readUInt16LE(32);
  const bits = bytes.readUInt16LE(34);
  // Integer PCM only, with a byte rate its own sample rate, channels and sample size agree with:
  // a decoder reads the same duration, so a header cannot make the hold smaller than the bill.
  if (format !== 1 || channels === 0 || sampleRate === 0 || bits === 0 || bits % 8 !== 0) return null;
  if (blockAlign !== (channels * bits) / 8 || byteRate !== sampleRate * blockAlign) return null;
  return Math.max(0, size - WAV_HEADER_BYTES) / byteRate;
}
