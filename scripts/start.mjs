#!/usr/bin/env node
// `npm start`: builds what changed since the last build (scripts/build.mjs), then runs the launcher
// in this same process, so Ctrl-C and SIGTERM reach it directly.
import { createRequire } from 'node:module';
import { buildWhatChanged } from './build.mjs';

try {
  buildWhatChanged({ log: (line) => console.error(line) });
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
createRequire(import.meta.url)('../dist/apps/api/src/launcher/launcher.js');
