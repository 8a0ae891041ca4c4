// The image's HEALTHCHECK. A worker (it writes WORKER_HEARTBEAT_FILE while PostgreSQL and Redis
// answer) is healthy while that file is fresh; an api while GET /health answers 200.
import { readFileSync } from 'node:fs';

const HEARTBEAT = process.env.WORKER_HEARTBEAT_FILE ?? '/tmp/worker-heartbeat';
const STALE_MS = 30_000;

function heartbeatAge() {
  try {
    return Date.now() - Number(readFileSync(HEARTBEAT, 'utf8'));
  } catch {
    return undefined;
  }
}

const age = heartbeatAge();
if (age !== undefined) process.exit(age < STALE_MS ? 0 : 1);
const port = process.env.PORT ?? '3000';
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4_000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
