// Preloaded into Portkey's gateway (`node --import`): its server listens on a port without a host, i.e.
// on every interface, and has no option for one. This makes such a listen bind to 127.0.0.1 only.
import { Server } from 'node:net';

const listen = Server.prototype.listen;
Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    if (args[1] === undefined) args[1] = '127.0.0.1';
    else args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
