// The mock provider as a process, for the load benchmark: `node dist/apps/mock-upstream/src/main.js [--port N]`.
import { parseCliOptions } from './cli-options';
import { startMockUpstream } from './mock-upstream';

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), process.env);
  // No request records: a benchmark sends millions of requests and nobody reads them.
  const mock = await startMockUpstream({ ...options, record: false });
  process.stdout.write(`mock-upstream listening on ${mock.url}\n`);
  const shutdown = (): void => {
    // Once closed nothing holds the event loop, so the process exits by itself with code 0.
    mock.close().catch((error: unknown) => {
      process.stderr.write(`mock-upstream: close failed: ${String(error)}\n`);
      process.exitCode = 1;
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`mock-upstream: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
