import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RelayError } from '../../relay.errors';
import { MultipartUpload } from './multipart-upload';

const BOUNDARY = 'test-boundary-1234';

/** A multipart body with `fields` and one file of `size` bytes, made chunk by chunk as it is read. */
function upload(fields: Record<string, string>, size: number, field = 'file'): Readable {
  const head = Object.entries(fields)
    .map(
      ([name, value]) =>
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  async function* parts() {
    yield Buffer.from(
      `${head}--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    );
    for (let offset = 0; offset < size; offset += 64 * 1024) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, size - offset));
      for (let i = 0; i < chunk.length; i += 1000) chunk[i] = (offset + i) % 251;
      yield chunk;
    }
    yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  }
  return Readable.from(parts(), { objectMode: false });
}

const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

describe('MultipartUpload', () => {
  it('keeps the fields, stores the file byte for byte, and removes it when disposed', async () => {
    const stored = new MultipartUpload(
      { headers, body: upload({ model: 'whisper-1', language: 'en' }, 300_000) },
      { fileBytes: 1_000_000 },
    );
    try {
      const { fields, files } = await stored.read();
      expect(fields).toEqual([
        ['model', 'whisper-1'],
        ['language', 'en'],
      ]);
      expect(files).toEqual([
        {
          field: 'file',
          filename: 'a.wav',
          contentType: 'audio/wav',
          size: 300_000,
          head: expect.any(Buffer),
        },
      ]);
      // The first 44 bytes are kept, for a WAV header.
      expect(files[0]?.head).toHaveLength(44);
      const [part] = stored.parts(files);
      const chunks: Buffer[] = [];
      for await (const chunk of part!.open()) chunks.push(chunk as Buffer);
      const expected: Buffer[] = [];
      for await (const chunk of upload({}, 300_000)) expected.push(chunk as Buffer);
      const body = Buffer.concat(expected);
      const file = body.subarray(
        body.indexOf('\r\n\r\n') + 4,
        body.length - `\r\n--${BOUNDARY}--\r\n`.length,
      );
      expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(
        createHash('sha256').update(file).digest('hex'),
      );
    } finally {
      await stored.dispose();
    }
  });

  it('takes a file of exactly the limit and refuses one byte more with a 413 naming the field', async () => {
    const exact = new MultipartUpload(
      { headers, body: upload({ model: 'm' }, 100_000) },
      { fileBytes: 100_000 },
    );
    try {
      const { files } = await exact.read();
      expect(files[0]?.size).toBe(100_000);
    } finally {
      await exact.dispose();
    }
    for (const size of [100_001, 200_000]) {
      const stored = new MultipartUpload(
        { headers, body: upload({ model: 'm' }, size) },
        { fileBytes: 100_000 },
      );
      const error = await stored.read().catch((e: unknown) => e);
      await stored.dispose();
      expect(error).toBeInstanceOf(RelayError);
      expect(error).toMatchObject({ code: 'request_too_large', status: 413, param: 'file' });
      expect((error as RelayError).message).toContain('larger than');
    }
  });

  it('refuses a body that is not multipart, or is cut off, with a 400', async () => {
    const notMultipart = new MultipartUpload(
      { headers: { 'content-type': 'application/json' }, body: Readable.from(['{}']) },
      { fileBytes: 100 },
    );
    await expect(notMultipart.read()).rejects.toMatchObject({ status: 400 });
    const cut = new MultipartUpload(
      {
        headers,
        body: Readable.from([
          Buffer.from(
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\nabc`,
          ),
        ]),
      },
      { fileBytes: 100 },
    );
    await expect(cut.read()).rejects.toMatchObject({ status: 400 });
    await cut.dispose();
  });

  it('records a client that leaves mid-upload as gone (499), not as a bad request', async () => {
    const full = upload({ model: 'm' }, 1_000_000);
    async function* cut() {
      let sent = 0;
      for await (const chunk of full) {
        yield chunk as Buffer;
        sent += (chunk as Buffer).length;
        if (sent > 200_000) throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      }
    }
    const body = Readable.from(cut(), { objectMode: false });
    const stored = new MultipartUpload({ headers, body }, { fileBytes: 2_000_000 });
    await expect(stored.read()).rejects.toMatchObject({ code: 'client_closed_request', status: 499 });
    await stored.dispose();
  });

  it('stores a 25 MB upload with flat memory', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const live = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
    const before = live();
    let peak = before;
    let ticks = 0;
    const sampler = setInterval(() => {
      if (++ticks % 10 !== 0) return;
      gc();
      // Freed buffers leave the external count a moment after the collection.
      setTimeout(() => {
        peak = Math.max(peak, live());
      }, 1);
    }, 10);
    const stored = new MultipartUpload(
      { headers, body: upload({ model: 'whisper-1' }, 25_000_000) },
      { fileBytes: 26_214_400 },
    );
    try {
      const { files } = await stored.read();
      expect(files[0]?.size).toBe(25_000_000);
      let read = 0;
      for await (const chunk of stored.parts(files)[0]!.open()) read += (chunk as Buffer).length;
      expect(read).toBe(25_000_000);
    } finally {
      clearInterval(sampler);
      await stored.dispose();
    }
    // Buffering the file would show its 25 MB here. What is alive between collections (the
    // chunks in flight, what the sampler's late timer catches on a busy machine) stays well under
    // that but is not a constant: 8 MB was once exceeded (12.4 MB) under a loaded CI run.
    expect(peak - before).toBeLessThan(16 * 1024 * 1024);
  }, 60_000);
});
