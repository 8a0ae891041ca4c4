import { spawnSync } from 'node:child_process';
import { HEAP_GROWTH_FLAG, heapGrowthFlag } from './heap-growth';

// Objects that outlive two scavenges and then die, around a live set that stays: what a gateway's
// in-flight requests do to the heap. Sets FLAG first, as main() does after start (not as a node
// option); prints the peak heapTotal in bytes.
const CHURN = `
const flag = process.env.FLAG;
if (flag) require('v8').setFlagsFromString(flag);
const live = [];
for (let i = 0; i < 400; i++) live.push(new Array(12500).fill(i));
const ring = new Array(2000);
let peak = 0;
for (let round = 0; round < 60000; round++) {
  ring[round % 2000] = new Array(1250).fill(round);
  if (round % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
}
process.stdout.write(String(peak));
`;

function peakHeap(flag: string): number {
  const run = spawnSync(process.execPath, ['-e', CHURN], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env['PATH'], FLAG: flag },
  });
  expect(run.stderr).toBe('');
  return Number(run.stdout);
}

describe('HEAP_GROWTH_PERCENT (limitHeapGrowth)', () => {
  it("names a flag this Node's V8 has", () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(options).toContain(`  ${HEAP_GROWTH_FLAG} `);
  });

  it('takes effect when set after start, as main() sets it: the old generation stays smaller', () => {
    const own = peakHeap('');
    const limited = peakHeap(heapGrowthFlag(20) ?? '');
    expect(limited).toBeGreaterThan(0);
    expect(limited).toBeLessThan(own * 0.85);
  });

  it('sets the factor from the percent, and leaves V8 its own for 0', () => {
    expect(heapGrowthFlag(35)).toBe('--heap-growing-percent=35');
    expect(heapGrowthFlag(0)).toBeNull();
  });
});
