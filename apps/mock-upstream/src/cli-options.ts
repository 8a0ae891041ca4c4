export interface CliOptions {
  port: number;
  host: string;
}

export const DEFAULT_PORT = 4010;

/** `--port N` (or `--port=N`) beats `MOCK_UPSTREAM_PORT`, default 4010; `MOCK_UPSTREAM_HOST`, default 127.0.0.1. */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let portText = env['MOCK_UPSTREAM_PORT'];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--port') {
      portText = argv[++index];
      if (portText === undefined) throw new Error('--port needs a value');
    } else if (arg.startsWith('--port=')) {
      portText = arg.slice('--port='.length);
    } else {
      throw new Error(`unknown argument ${arg} (usage: main.js [--port N])`);
    }
  }
  return {
    port: portText === undefined || portText === '' ? DEFAULT_PORT : parsePort(portText),
    host: env['MOCK_UPSTREAM_HOST'] || '127.0.0.1',
  };
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new Error(`invalid port "${text}": expected 0 to 65535`);
  return port;
}
