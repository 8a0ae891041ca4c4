// What is running: the package version, and the commit when the build recorded one (the image
// build sets GATEWAY_COMMIT). Shown at GET /health and in the console, so an operator can tell
// which build answers during a rolling restart.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GatewayVersion {
  version: string;
  commit?: string;
}

const PACKAGE_NAME = 'llm-gateway';

/** The gateway's package.json, found upwards from this file (the same from sources, dist/ and the image). */
function packageVersion(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

export function gatewayVersion(commit: string | undefined, from: string = __dirname): GatewayVersion {
  const version = packageVersion(from);
  return commit ? { version, commit } : { version };
}
