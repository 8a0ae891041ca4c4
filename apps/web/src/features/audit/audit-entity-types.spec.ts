// The audit log's filter offers every entity type the api writes. The api has no list of them: each
// domain names its own where it records a change, so this reads the api's sources for the names.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AUDIT_ENTITY_TYPES } from './audit-entity-types';

const LIBS = resolve(__dirname, '../../../../../libs');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|integration-spec|e2e-spec|fixtures)\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

/** `entityType:` that declares the field or passes on a type written elsewhere, not a type itself. */
const PASSED_ON = new Set(['string', 'query.entityType', 'entry.entityType', 'log.entityType']);

/** The entity types the api's sources write: `entityType: 'x'`, or a constant a file or lib defines. */
function writtenEntityTypes(): { types: Set<string>; unresolved: string[] } {
  const files = readdirSync(LIBS).flatMap((lib) => sourceFiles(join(LIBS, lib, 'src')));
  const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
  const constant = /\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*'([a-z][a-z0-9_]*)'/g;
  // Exported names are one lib's public face, so unique across the libs; unexported ones are not.
  const exported = new Map<string, string>();
  for (const text of texts.values()) {
    for (const [, name, value] of text.matchAll(
      /\bexport\s+const\s+([A-Z][A-Z0-9_]*)\s*=\s*'([a-z][a-z0-9_]*)'/g,
    )) {
      exported.set(name!, value!);
    }
  }
  const types = new Set<string>();
  const unresolved: string[] = [];
  for (const [file, text] of texts) {
    const local = new Map([...text.matchAll(constant)].map(([, name, value]) => [name!, value!]));
    for (const [, written] of text.matchAll(/\bentityType[!?]?:\s*([^,;}\s)]+)/g)) {
      if (PASSED_ON.has(written!)) continue;
      const value =
        /^'([a-z][a-z0-9_]*)'$/.exec(written!)?.[1] ?? local.get(written!) ?? exported.get(written!);
      if (value === undefined) unresolved.push(`${written} in ${file}`);
      else types.add(value);
    }
  }
  return { types, unresolved };
}

describe('audit entity types', () => {
  it('lists every entity type the api writes', () => {
    const { types, unresolved } = writtenEntityTypes();
    expect(unresolved).toEqual([]);
    expect(types.size).toBeGreaterThan(10);
    const missing = [...types].filter((type) => !(AUDIT_ENTITY_TYPES as readonly string[]).includes(type));
    expect(missing).toEqual([]);
  });
});
