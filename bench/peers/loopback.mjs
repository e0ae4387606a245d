// Preload (`node --import`) that keeps a server on loopback.
// COMPAT: Portkey's gateway 1.15.2 (via @hono/node-server's serve()) listens on every interface and has no option to
// choose one; the benchmark must load only 127.0.0.1, so every listen() without a host gets 127.0.0.1.
import net from 'node:net';

const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (first !== null && typeof first === 'object' && first.host === undefined && first.path === undefined) {
    args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (second === undefined || second === null) {
      args[1] = '127.0.0.1';
    } else if (typeof second !== 'string') {
      args.splice(1, 0, '127.0.0.1');
    }
  }
  return listen.apply(this, args);
};
