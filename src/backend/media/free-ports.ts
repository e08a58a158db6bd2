import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * Pairs of UDP ports free now on loopback, each as its first port (RTP) with the next one free too (RTCP): for the
 * SFU's RTP feeds and the encoders' own ends (an encoder sending from fixed ports is known again after a restart).
 */
export async function freeUdpPortPairs(count: number): Promise<number[]> {
  const bind = async (port: number) => {
    const socket = createSocket('udp4');
    socket.bind(port, '127.0.0.1');
    const bound = await Promise.race([once(socket, 'listening').then(() => true), once(socket, 'error').then(() => false)]);
    return { socket, bound };
  };
  const held: ReturnType<typeof createSocket>[] = [];
  const pairs: number[] = [];
  while (pairs.length < count) {
    const first = await bind(0);
    held.push(first.socket);
    const port = first.socket.address().port;
    if (port >= 65535) continue;
    const second = await bind(port + 1);
    if (second.bound) {
      held.push(second.socket);
      pairs.push(port);
    } else {
      second.socket.close();
    }
  }
  for (const socket of held) socket.close();
  return pairs;
}

/** A TCP port free now on loopback (for a child process to listen on; taken back at once, so a race is possible). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free TCP port');
  return address.port;
}
