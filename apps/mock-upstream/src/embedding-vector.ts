import { createHash } from 'node:crypto';

export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/**
 * A deterministic unit vector for `text`, derived from SHA-256 of the text (more blocks for more
 * dimensions). Returned as float32 so the `float` and `base64` encodings carry the same numbers.
 */
export function embeddingVector(text: string, dimensions = DEFAULT_EMBEDDING_DIMENSIONS): Float32Array {
  const raw = new Float64Array(dimensions);
  let block: Buffer = Buffer.alloc(0);
  for (let index = 0; index < dimensions; index++) {
    const offset = (index % 8) * 4;
    if (offset === 0)
      block = createHash('sha256')
        .update(`${index / 8}:${text}`)
        .digest();
    raw[index] = block.readUInt32LE(offset) / 0x80000000 - 1;
  }
  const norm = Math.hypot(...raw) || 1;
  return Float32Array.from(raw, (value) => value / norm);
}

/** The `base64` encoding of OpenAI (and what the SDK decodes): the float32 values, little-endian. */
export function embeddingBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
