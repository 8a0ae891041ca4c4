// The OpenAPI document of /api, made from the controllers and DTOs. The running api serves it at
// /api/openapi.json; `npm run contracts:generate` builds the same document without a database or
// Redis (Nest's preview mode instantiates no provider) to generate the SPA's typed client.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { loadConfig } from '@gateway/config';
import { AppModule } from './app.module';

export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('LLM Gateway')
      .setDescription('Admin and tenant REST API (/api). The OpenAI-compatible relay lives under /v1.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
}

/** The document as the api would serve it, without connecting to anything. */
export async function offlineOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({
    NODE_ENV: 'test',
    // Never connected to in preview mode; present because the config requires them.
    DATABASE_URL: 'postgres://offline.invalid/openapi',
    ENCRYPTION_KEY: '00'.repeat(32),
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}
