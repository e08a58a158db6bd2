import { createServer as createNetServer, type Server } from 'node:net';
import { StartupError, errorCode, errorMessage } from './startup-error.js';

/** Listens, turning the usual failures into one instruction for the operator (`portOption`: where its port is chosen). */
export function listen(server: Server, host: string, port: number, what: string, portOption = '--port'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      const code = errorCode(error);
      if (code === 'EADDRINUSE') {
        reject(new StartupError(`Port ${port} on ${host} is already in use (another Zhili ${what}?): stop that program or choose another port with ${portOption}.`, { cause: error }));
      } else if (code === 'EACCES') {
        reject(new StartupError(`Not allowed to listen on port ${port} of ${host}: choose a port above 1024 with ${portOption}.`, { cause: error }));
      } else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
        reject(new StartupError(`The address ${host} does not belong to this machine: give --host one of its addresses, or 127.0.0.1.`, { cause: error }));
      } else {
        reject(new StartupError(`The ${what} could not listen on ${host}:${port} (${code ?? errorMessage(error)}).`, { cause: error }));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A TCP port free on loopback now, for a helper process that cannot be told to pick one itself (kamailio). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
