// The worker process: `node dist/apps/worker/src/main.js` (npm start runs it for you).
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@gateway/config';
import { Logger } from 'nestjs-pino';
import { createWorkerApp } from './worker-app';

async function main(): Promise<void> {
  const app = await createWorkerApp(loadConfig());
  app.get(Logger).log('worker started');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else
    console.error(
      `worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  process.exit(1);
});
