// Code comments cite the design and the contract ("docs/design.md invariant 6", docs/api.md
// "Priority", a decision record): every such citation must name a file, an invariant and a section
// that exist in this repository, so a reader can always follow it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const SCANNED = ['apps', 'libs', 'e2e', 'bench', 'scripts', 'docs'];
const SKIPPED = new Set(['node_modules', 'dist', '__fixtures__', 'test-artifacts']);
const SOURCE = /\.(ts|tsx|mjs|js|md)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED.has(name) || name === 'references.spec.ts') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

const files = SCANNED.filter((dir) => existsSync(join(ROOT, dir))).flatMap((dir) =>
  sourceFiles(join(ROOT, dir)),
);
const design = readFileSync(join(ROOT, 'docs/design.md'), 'utf8');
const api = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
const headings = (text: string) => [...text.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.trim());
const invariants = new Set([...design.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1])));

/** Every `docs/...md` path cited, with the file and what follows it on the line. */
const citations = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) =>
      [...line.matchAll(/docs\/[\w./-]+\.md([^\n]*)/g)].map((m) => ({
        file: relative(ROOT, file),
        doc: m[0].slice(0, m[0].length - m[1]!.length),
        rest: m[1]!,
      })),
    ),
);

describe('references to the design and the contract', () => {
  it('finds the citations it checks (the scan itself works)', () => {
    expect(citations.length).toBeGreaterThan(20);
  });

  it('cites no design or contract document outside this repository', () => {
    const outside = files.filter((file) =>
      /(^|[^/\w])(DESIGN|API|STYLE)\.md/.test(readFileSync(file, 'utf8')),
    );
    expect(outside.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('names only documents that exist', () => {
    const missing = citations.filter((c) => !existsSync(join(ROOT, c.doc)));
    expect(missing).toEqual([]);
  });

  it('names only invariants that docs/design.md numbers', () => {
    expect([...invariants].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const cited = citations
      .filter((c) => c.doc === 'docs/design.md')
      .flatMap((c) => {
        const match = /^,?\s*(?:hot-path\s+)?invariants?\s+(\d+(?:\s*(?:,|and)\s*\d+)*)/.exec(c.rest);
        return match ? [...match[1]!.matchAll(/\d+/g)].map((n) => ({ ...c, n: Number(n[0]) })) : [];
      });
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !invariants.has(c.n))).toEqual([]);
  });

  it('names only sections that exist', () => {
    const sections = citations.flatMap((c) => {
      const match = /^'?s? (?:"([^"]+)"|table)/.exec(c.rest);
      return match?.[1] ? [{ ...c, section: match[1] }] : [];
    });
    const missing = sections.filter((c) => {
      const text = c.doc === 'docs/api.md' ? api : c.doc === 'docs/design.md' ? design : '';
      return !headings(text).includes(c.section) && !text.includes(`**${c.section}**`);
    });
    expect(sections.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
