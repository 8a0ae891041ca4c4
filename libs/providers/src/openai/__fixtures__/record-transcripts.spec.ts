import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { PINNED_CREATED, RECORDED_TRANSCRIPTS, type RecordedTranscript } from './transcripts';

const recording = process.env['RECORD_FIXTURES'] === '1';

/** The raw response bytes, as far as they came: a dropped stream keeps what arrived before the cut. */
function capture(mock: MockUpstream, transcript: RecordedTranscript): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(`${mock.url}${transcript.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${transcript.apiKey}`, 'content-type': 'application/json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => undefined); // a drop surfaces as `aborted`; what arrived is the transcript
      res.on('close', () => resolve(Buffer.concat(chunks)));
    });
    req.end(JSON.stringify(transcript.body));
  });
}

function pinCreated(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('utf8').replace(/"created":\d+/g, `"created":${PINNED_CREATED}`), 'utf8');
}

describe('recorded OpenAI stream transcripts', () => {
  it.each(RECORDED_TRANSCRIPTS.map((t) => [t.file, t] as const))(
    '%s is what the mock upstream sends',
    async (_file, transcript) => {
      // A fresh mock per transcript: its ids count requests from 1, so they never depend on order.
      const mock = await startMockUpstream();
      try {
        const bytes = pinCreated(await capture(mock, transcript));
        const path = join(__dirname, transcript.file);
        if (recording) writeFileSync(path, bytes);
        expect(readFileSync(path).toString('utf8')).toBe(bytes.toString('utf8'));
      } finally {
        await mock.close();
      }
    },
  );
});
