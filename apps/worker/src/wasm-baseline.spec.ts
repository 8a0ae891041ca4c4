import { runNodeScript } from '@gateway/testing';

// Runs in a child process (V8 flags are per process). BASELINE=1 imports the module first, as the
// worker's entry point does; then llhttp parses 4,000 answers through undici, enough for V8 to tier
// its parser up, and V8 prints each WebAssembly function it compiles and with what.
const SCRIPT = `
require('v8').setFlagsFromString('--trace-wasm-compilation-times');
if (process.env.BASELINE) require(process.env.MODULE);
const http = require('http');
const { request } = require('undici');
const server = http.createServer((req, res) => res.end('x'.repeat(2048)));
server.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  for (let i = 0; i < 4000; i++) await (await request(url)).body.text();
  server.close();
});
`;

function compilers(baseline: boolean): string[] {
  const stdout = runNodeScript(SCRIPT, {
    MODULE: require.resolve('./wasm-baseline'),
    BASELINE: baseline ? '1' : '',
  });
  return [...stdout.matchAll(/^Compiled function \S+ using (\w+)/gm)].map(([, compiler]) => compiler!);
}

describe("the worker's WebAssembly on V8's baseline compiler", () => {
  it('keeps llhttp on Liftoff where V8 would tier it up to TurboFan', () => {
    // Left to V8, the parser's hot function is compiled again by TurboFan.
    expect(compilers(false)).toContain('TurboFan');
    const baseline = compilers(true);
    expect(baseline).toContain('Liftoff');
    expect(baseline).not.toContain('TurboFan');
  });
});
