// Portkey's open-source gateway (the `@portkey-ai/gateway` devDependency) as the third target: started
// headless from its package's bin on a free loopback port, relaying to the same mock through its OpenAI
// provider with a custom host. It keeps no state, so it needs no database, Redis or seeding.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildProcess, freePort } from './child-processes.mjs';

const require = createRequire(import.meta.url);
const LOOPBACK_PRELOAD = fileURLToPath(new URL('./loopback-listen.mjs', import.meta.url));

/** The package's version and its server script, or null when the devDependency is not installed. */
export function portkeyPackage() {
  try {
    const manifestPath = require.resolve('@portkey-ai/gateway/package.json');
    const manifest = require(manifestPath);
    const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
    return { version: manifest.version, script: join(dirname(manifestPath), bin) };
  } catch {
    return null;
  }
}

/** @returns {Promise<{ process: ChildProcess, url: string, version: string }>} */
export async function startPortkey() {
  const found = portkeyPackage();
  if (found === null) throw new Error('@portkey-ai/gateway is not installed (`npm ci` installs it)');
  const port = await freePort();
  const portkey = ChildProcess.node(
    'portkey',
    found.script,
    [`--port=${port}`, '--headless'],
    { ...process.env, NODE_ENV: 'production' },
    ['--import', LOOPBACK_PRELOAD],
  );
  await portkey.waitForLine(/Ready for connections/, 30_000);
  return { process: portkey, url: `http://127.0.0.1:${port}`, version: found.version };
}

/**
 * Request headers for Portkey: the mock's key as the provider key (it carries the mock behaviour, as
 * for the direct run) and the mock as the OpenAI provider's host.
 * @param {string} mockUrl @param {string} bearer
 */
export function portkeyHeaders(mockUrl, bearer) {
  return {
    'content-type': 'application/json',
    authorization: `Bearer ${bearer}`,
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${mockUrl}/v1`,
  };
}
