// The one transform from the api's OpenAPI document to libs/contracts/src/openapi.ts, shared by
// `npm run contracts:generate` and the drift test, so both produce byte-identical output.
//   node scripts/contracts/openapi-to-typescript.mjs <document.json>   prints the TypeScript
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';

export const CONTRACTS_FILE = fileURLToPath(new URL('../../libs/contracts/src/openapi.ts', import.meta.url));

const HEADER = `// Generated from the api's OpenAPI document by \`npm run contracts:generate\`: do not edit.
// A test (apps/api/test/contracts) fails when this file differs from what the api serves.
`;

/** @param {object} document an OpenAPI 3 document */
export async function openApiToTypeScript(document) {
  const ast = await openapiTS(document, { alphabetize: false, defaultNonNullable: false });
  const options = await prettier.resolveConfig(CONTRACTS_FILE);
  return prettier.format(HEADER + astToString(ast), { ...options, filepath: CONTRACTS_FILE });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/contracts/openapi-to-typescript.mjs <document.json>');
    process.exit(1);
  }
  process.stdout.write(await openApiToTypeScript(JSON.parse(readFileSync(file, 'utf8'))));
}
