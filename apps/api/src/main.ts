// The api process: `node dist/apps/api/src/main.js` (npm start runs it for you).
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@gateway/config';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './api-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.PORT, config.HOST);
  app.get(Logger).log(`api listening on http://${config.HOST}:${config.PORT}`);
}

main().catch((error: unknown) => {
  // One line that says what is wrong; the stack only when it is not a configuration mistake.
  if (error instanceof ConfigError) console.error(error.message);
  else
    console.error(
      `api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  process.exit(1);
});
