import { connect, type Socket } from 'node:net';

/**
 * A ZeroMQ DEALER socket over TCP, enough to talk to ffmpeg's `zmq` filter (a REP socket) without a native zeromq
 * binding: ZMTP 3.0 (rfc.zeromq.org/spec/23) with the NULL mechanism, single-part messages behind the empty
 * delimiter frame REP expects. A DEALER, not a REQ, so a batch of commands goes out at once and ffmpeg applies them
 * all before the next frame (a REQ would wait a frame for each reply).
 */
export class ZmtpDealer {
  private buffer = Buffer.alloc(0);
  private greeted = false;
  private ready = false;
  private readonly waiting: { resolve: (reply: string) => void; reject: (error: Error) => void }[] = [];
  /** Frames of the message being received (a reply is the empty delimiter, then the reply frame). */
  private parts: Buffer[] = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the ZeroMQ peer closed the connection')));
  }

  /** Connects and completes the handshake (greeting and READY both ways), or rejects within `timeoutMs`. */
  static async connect(host: string, port: number, timeoutMs = 3000): Promise<ZmtpDealer> {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const dealer = new ZmtpDealer(socket);
    socket.write(greeting());
    socket.write(frame(readyCommand('DEALER'), { command: true }));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ZeroMQ handshake from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
      dealer.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      dealer.onFailure = (error) => {
        clearTimeout(timer);
        reject(error);
      };
    }).catch((error: unknown) => {
      socket.destroy();
      throw error;
    });
    return dealer;
  }

  private onReady: () => void = () => undefined;
  private onFailure: (error: Error) => void = () => undefined;

  /**
   * Sends one request; resolves with its reply (replies come back in the order the requests went out). A reply that
   * does not come within `timeoutMs` ends the connection: a REP socket that dropped a request (ffmpeg's does, for one it
   * cannot parse) answers nothing after it.
   */
  request(message: string, timeoutMs = 2000): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error(`no reply to "${message}" within ${timeoutMs} ms`));
        this.socket.destroy();
      }, timeoutMs);
      this.waiting.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.write(Buffer.concat([frame(Buffer.alloc(0), { more: true }), frame(Buffer.from(message, 'utf8'))]));
    });
  }

  close(): void {
    this.fail(new Error('closed'));
    this.socket.destroy();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.onFailure(error);
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.greeted) {
      if (this.buffer.length < GREETING_BYTES) return;
      const signatureOk = this.buffer[0] === 0xff && this.buffer[9] === 0x7f;
      const major = this.buffer[10] ?? 0;
      const mechanism = this.buffer.subarray(12, 32).toString('latin1').replace(/\0+$/, '');
      if (!signatureOk || major < 3 || mechanism !== 'NULL') {
        this.fail(new Error(`not a ZMTP 3 peer with the NULL mechanism (version ${major}, mechanism ${mechanism || 'none'})`));
        this.socket.destroy();
        return;
      }
      this.greeted = true;
      this.buffer = this.buffer.subarray(GREETING_BYTES);
    }
    for (;;) {
      const parsed = readFrame(this.buffer);
      if (parsed === null) return;
      this.buffer = this.buffer.subarray(parsed.length);
      if (parsed.command) {
        const name = parsed.body.subarray(1, 1 + (parsed.body[0] ?? 0)).toString('latin1');
        if (name === 'READY' && !this.ready) {
          this.ready = true;
          this.onReady();
        } else if (name === 'ERROR') {
          this.fail(new Error(`the ZeroMQ peer refused the connection: ${parsed.body.subarray(7).toString('utf8')}`));
        }
        continue;
      }
      this.parts.push(parsed.body);
      if (parsed.more) continue;
      // The last frame is the reply; the empty delimiter before it is REP's envelope.
      const reply = this.parts[this.parts.length - 1] ?? Buffer.alloc(0);
      this.parts = [];
      this.waiting.shift()?.resolve(reply.toString('utf8'));
    }
  }
}

const GREETING_BYTES = 64;
const FLAG_MORE = 0x01;
const FLAG_LONG = 0x02;
const FLAG_COMMAND = 0x04;

/** Signature, version 3.0, mechanism NULL, not as server, filler. */
function greeting(): Buffer {
  const bytes = Buffer.alloc(GREETING_BYTES);
  bytes[0] = 0xff;
  bytes[9] = 0x7f;
  bytes[10] = 3;
  bytes[11] = 0;
  bytes.write('NULL', 12, 'latin1');
  return bytes;
}

function readyCommand(socketType: string): Buffer {
  const name = Buffer.from('READY', 'latin1');
  const property = Buffer.from('Socket-Type', 'latin1');
  const value = Buffer.from(socketType, 'latin1');
  const valueSize = Buffer.alloc(4);
  valueSize.writeUInt32BE(value.length);
  return Buffer.concat([Buffer.from([name.length]), name, Buffer.from([property.length]), property, valueSize, value]);
}

export function frame(body: Buffer, { more = false, command = false }: { more?: boolean; command?: boolean } = {}): Buffer {
  const flags = (more ? FLAG_MORE : 0) | (command ? FLAG_COMMAND : 0);
  if (body.length <= 255) return Buffer.concat([Buffer.from([flags, body.length]), body]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length));
  return Buffer.concat([Buffer.from([flags | FLAG_LONG]), size, body]);
}

/** One frame at the start of `bytes`, or null until all of it has arrived. */
export function readFrame(bytes: Buffer): { body: Buffer; more: boolean; command: boolean; length: number } | null {
  if (bytes.length < 2) return null;
  const flags = bytes[0] as number;
  const long = (flags & FLAG_LONG) !== 0;
  const headerBytes = long ? 9 : 2;
  if (bytes.length < headerBytes) return null;
  const size = long ? Number(bytes.readBigUInt64BE(1)) : (bytes[1] as number);
  if (bytes.length < headerBytes + size) return null;
  return {
    body: bytes.subarray(headerBytes, headerBytes + size),
    more: (flags & FLAG_MORE) !== 0,
    command: (flags & FLAG_COMMAND) !== 0,
    length: headerBytes + size,
  };
}
