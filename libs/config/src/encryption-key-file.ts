// Development convenience: an ENCRYPTION_KEY generated once into the data directory and reused.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './app-config';

/**
 * Returns the key stored in `<dataDir>/encryption.key`, creating it if absent. Creation is atomic
 * (write a temp file, then hard-link it into place) so that processes starting together agree.
 */
export function readOrCreateEncryptionKey(dataDir: string): string {
  const file = join(dataDir, 'encryption.key');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const existing = tryRead(file);
  if (existing !== undefined) return existing;
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  const created = tryRead(file);
  if (created === undefined)
    throw new ConfigError('ENCRYPTION_KEY', `is unset and ${file} could not be created`);
  return created;
}

function tryRead(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new ConfigError('ENCRYPTION_KEY', `is unset and ${file} does not hold 64 hexadecimal characters`);
  }
  return text;
}
