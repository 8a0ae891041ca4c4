// Preloaded with `node --require` into an api or worker process under test: on SIGUSR2 it writes the
// path of every CommonJS module the process has loaded to LOADED_MODULES_FILE (whole, through a
// rename), so a test can see what a process loads at start and what only at first use (issue #16).
const { renameSync, writeFileSync } = require('node:fs');

const file = process.env.LOADED_MODULES_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    // A module's stand-in (apps/api/src/deferred-modules.ts) is not the module loaded.
    const loaded = Object.entries(require.cache).filter(([, module]) => module?.deferredStandIn !== true);
    writeFileSync(`${file}.part`, JSON.stringify(loaded.map(([path]) => path)));
    renameSync(`${file}.part`, file);
  });
}
