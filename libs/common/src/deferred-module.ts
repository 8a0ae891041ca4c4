// A module some dependency requires when it loads but the gateway uses rarely or never, loaded at
// its first use instead (issue #16, idle memory): a stand-in goes into Node's module cache under the
// module's filename, and reading any of its exports loads the real module, which then takes the
// stand-in's place in the cache. Each process's entry point puts its stand-ins in before anything
// requires them (libs/db/src/typeorm-drivers.ts, apps/api/src/deferred-modules.ts). Jest's module
// registry does not read Node's cache: under test those modules load as before, so the specs of
// both check their stand-ins in a child process.
import { Module } from 'node:module';

/** Puts a stand-in for the module at `filename` into Node's module cache, unless it is loaded. */
export function deferModule(filename: string): void {
  if (require.cache[filename] !== undefined) return;
  const standIn = new Module(filename, module);
  standIn.filename = filename;
  standIn.loaded = true;
  // How a listing of the loaded modules (lazy-modules.e2e-spec.ts) tells it from the real one.
  Object.defineProperty(standIn, 'deferredStandIn', { value: true });
  const real = (): object => {
    if (require.cache[filename] === standIn) delete require.cache[filename];
    return require(filename) as object;
  };
  standIn.exports = new Proxy(
    {},
    {
      get: (_target, key) => Reflect.get(real(), key),
      has: (_target, key) => Reflect.has(real(), key),
      ownKeys: () => Reflect.ownKeys(real()),
      getOwnPropertyDescriptor: (_target, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
        // The proxy's target has no such property: it can only be reported as configurable.
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[filename] = standIn;
}
