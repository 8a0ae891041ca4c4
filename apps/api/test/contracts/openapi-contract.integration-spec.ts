// The SPA's typed API client comes from libs/contracts/src/openapi.ts, generated from the OpenAPI
// document (npm run contracts:generate). This fails when the committed file no longer matches what
// the running api documents, so a changed DTO cannot silently leave the SPA typed against the past.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiHarness, startApi } from '../api-harness';

const ROOT = resolve(__dirname, '../../../..');
const TRANSFORM = join(ROOT, 'scripts/contracts/openapi-to-typescript.mjs');
const CONTRACTS = join(ROOT, 'libs/contracts/src/openapi.ts');

describe('the generated /api contract (libs/contracts)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('contracts');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('is what the running api documents; if not, run npm run contracts:generate', async () => {
    const res = await api.http.get('/api/openapi.json').expect(200);
    const dir = mkdtempSync(join(tmpdir(), 'gw-contracts-'));
    try {
      const documentFile = join(dir, 'openapi.json');
      writeFileSync(documentFile, JSON.stringify(res.body));
      const generated = execFileSync(process.execPath, [TRANSFORM, documentFile], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(readFileSync(CONTRACTS, 'utf8')).toBe(generated);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
