#!/usr/bin/env node
// `npm run contracts:generate`: build the api's OpenAPI document from dist/ (after build:server)
// without a database, and write the SPA's typed contract to libs/contracts/src/openapi.ts.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CONTRACTS_FILE, openApiToTypeScript } from './contracts/openapi-to-typescript.mjs';

const require = createRequire(import.meta.url);
const { offlineOpenApiDocument } = require('../dist/apps/api/src/openapi-document.js');

const document = await offlineOpenApiDocument();
writeFileSync(CONTRACTS_FILE, await openApiToTypeScript(document));
console.log(`wrote ${Object.keys(document.paths).length} paths to ${CONTRACTS_FILE}`);
