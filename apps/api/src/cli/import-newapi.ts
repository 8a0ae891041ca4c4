// `npm run import:newapi -- --from <source>`: moves a NewAPI / one-api installation into the
// gateway's database (DATABASE_URL, REDIS_URL, … as for the api) and prints the report as JSON.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@gateway/config';
import { AppModule } from '../app.module';
import { importNewApiCommand } from './import-newapi-command';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    const report = await importNewApiCommand(app, process.argv.slice(2));
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await app.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
