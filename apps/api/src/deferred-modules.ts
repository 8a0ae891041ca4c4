// Imported by the api's entry point before anything loads class-validator (apps/api/src/main.ts;
// issue #16, idle memory). class-validator's index loads every decorator, and `IsPhoneNumber`
// requires libphonenumber-js's full metadata when it loads (about 10 MB of RSS loaded alone, about
// 2.5 MB of the idle api's), although the gateway validates no phone number. A stand-in for that module goes into Node's
// module cache first (`deferModule`, as for TypeORM's drivers): IsPhoneNumber reads it only when it
// validates, which loads the real module. deferred-modules.spec.ts checks the stand-in in a child
// process, and lazy-modules.e2e-spec.ts that the built api does not load it at start.
import { dirname } from 'node:path';
import { deferModule } from '@gateway/common/deferred-module';

/** Modules deferred, each as its requirer asks for it and the package it is resolved from. */
export const DEFERRED_MODULES: readonly { request: string; from: string }[] = [
  { request: 'libphonenumber-js/max', from: 'class-validator' },
];

for (const { request, from } of DEFERRED_MODULES) {
  try {
    deferModule(require.resolve(request, { paths: [dirname(require.resolve(from))] }));
  } catch {
    // not installed where its requirer looks: nothing to defer
  }
}
