// Imported by the worker's entry point (main.ts) before anything makes an HTTP request: the worker's
// WebAssembly stays on V8's baseline compiler, Liftoff (issue #16, idle memory).
//
// undici parses HTTP/1.1 with llhttp, compiled to WebAssembly. Once a process has parsed enough
// (a few thousand answers: the worker's channel probes get there), V8 compiles llhttp's parser again
// with its optimising compiler, TurboFan, on a background thread: ~30 MB of compiler memory for that
// one function (`--trace-wasm-compilation-times`), which that thread's malloc arena keeps in part
// once freed (9 MB resident in the worker in one case caught; before this, about one bench start in
// eight read the worker at 96-99 MB instead of 86-88). The worker's WebAssembly is llhttp alone (a
// NewAPI import's sql.js runs in the api), and its requests are probes, webhooks and the odd API
// call, which Liftoff's code parses fast enough; the api, whose relay parses every upstream answer,
// keeps TurboFan.
import * as v8 from 'node:v8';

v8.setFlagsFromString('--liftoff-only');
