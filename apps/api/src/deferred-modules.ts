// Imported by the api's entry point before anything loads class-validator (apps/api/src/main.ts;
// issue #16, idle memory). class-validator's index loads every decorator, and `IsPhoneNumber`
// requires libphonenumber-js's full metadata when it loads (about 10 MB of the process's RSS),
// although the gateway validates no phone number. A stand-in for that module goes into Node's
// module cache first: reading any of its exports (what IsPhoneNumber does when it validates)
// loads the real module, which then takes the stand-in's place. As with TypeORM's drivers
// (libs/db/src/typeorm-drivers.ts), Jest's module registry does not read Node's cache: under test
// it loads as before; deferred-modules.spec.ts checks the stand-in in a child process, and
// lazy-modules.e2e-spec.ts that the built api does not load it at start.
import { Module } from 'node:module';
import { dirname } from 'node:path';

/** Modules deferred, each as its requirer asks for it and the package it is resolved from. */
export const DEFERRED_MODULES: readonly { request: string; from: string }[] = [
  { request: 'libphonenumber-js/max', from: 'class-validator' },
];

for (const { request, from } of DEFERRED_MODULES) defer(request, from);

function defer(request: string, from: string): void {
  let filename: string;
  try {
    filename = require.resolve(request, { paths: [dirname(require.resolve(from))] });
  } catch {
    return; // not installed where its requirer looks: nothing to defer
  }
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
