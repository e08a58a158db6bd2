import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { freeLoopbackPort } from '../../node/listen.js';
import { join } from 'node:path';
import type { Logger } from '../../node/logger.js';
import { ensurePrivateDir, tightenFile, writePrivateFile } from '../../node/private-files.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { DISPATCHER_USER_PREFIX, type SipAccount, type SipServerInfo, type SipServerSetting } from '../../shared/dispatch/sip-account.js';
import { kamailioInstalled, startKamailio, type RunningKamailio } from './kamailio-process.js';
import { sipPassword } from './sip-password.js';

export const LOCAL_SIP_DOMAIN = 'zhili.local';

/** A kamailio that keeps failing is tried again ever less often, up to once a minute, at spread-out times. */
export const KAMAILIO_RESTART_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };
/** A kamailio that ran this long counts as healthy: its next exit starts the back-off from the first delay again. */
const KAMAILIO_STABLE_MS = 60_000;

/**
 * The backend's side of dispatch: it knows the SIP server and its secret, and hands a console or crew terminal the
 * account it is entitled to. With `local` it runs Debian's kamailio on a free loopback port and restarts it if it
 * dies, with back-off; while it is down, accounts are refused with the reason (dispatch shows it), and where kamailio
 * is not installed, dispatch says so and everything else runs.
 */
export class SipService {
  private server: (SipServerInfo & { secret: string }) | null = null;
  private kamailio: RunningKamailio | null = null;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Restarts since the local server last ran stably. */
  private restartAttempt = 0;
  /** While the local server is down between restarts: accounts are refused with `unavailableReason`. */
  private down = false;
  /** The local server could not be started at all (there is no restart to wait for). */
  private startFailed = false;
  /** Why there is no SIP server, for the operator. */
  unavailableReason: string | null = null;

  constructor(
    private readonly option: SipServerSetting,
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.option.kind === 'none') {
      this.unavailableReason = 'No SIP server is configured';
      return;
    }
    if (this.option.kind === 'external') {
      const { wsServer, domain, secret, iceServers } = this.option;
      this.server = { wsServer, domain, secret, iceServers };
      return;
    }
    if (!kamailioInstalled()) {
      this.unavailableReason = 'kamailio is not installed here: install kamailio and kamailio-websocket-modules, or give --sip-server';
      this.logger.warn('no local SIP server: kamailio is not installed');
      return;
    }
    const secret = this.localSecret();
    const wsPort = await freeLoopbackPort();
    try {
      await this.startLocal(secret, wsPort);
    } catch (error) {
      // Dispatch is one feature: the rest of the centre starts without it, and the seats say why.
      const why = withoutSecret(String(error), secret);
      this.startFailed = true;
      this.unavailableReason = `The local SIP server did not start: ${why.slice(0, 300)}`;
      this.logger.error('local SIP server did not start', { error: why });
    }
  }

  /**
   * Why the SIP server this backend runs is not serving now (it failed to start, or died and waits for its restart);
   * null when it serves, or when there is deliberately none. `/healthz` reports it while it lasts.
   */
  outage(): string | null {
    if (this.option.kind !== 'local' || this.closed) return null;
    return this.down || this.startFailed ? this.unavailableReason : null;
  }

  info(): SipServerInfo | null {
    return this.server === null ? null : { wsServer: this.server.wsServer, domain: this.server.domain, iceServers: this.server.iceServers };
  }

  /** A console's dispatcher seat: one SIP user per console, also reachable through the `dispatch` hunt group. */
  dispatcherAccount(consoleId: string, displayName: string): SipAccount {
    return this.account(`${DISPATCHER_USER_PREFIX}${createHash('sha256').update(consoleId).digest('hex').slice(0, 10)}`, displayName);
  }

  account(user: string, displayName: string): SipAccount {
    if (this.down || this.server === null) throw new Error(this.unavailableReason ?? 'No SIP server.');
    return {
      user,
      password: sipPassword(this.server.secret, user),
      domain: this.server.domain,
      displayName,
      wsServer: this.server.wsServer,
      iceServers: this.server.iceServers,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.kamailio?.stop();
  }

  private async startLocal(secret: string, wsPort: number): Promise<void> {
    const runDir = join(this.dataDir, 'kamailio');
    const kamailio = await startKamailio({ listenHost: '127.0.0.1', wsPort, domain: LOCAL_SIP_DOMAIN, secret }, runDir);
    const startedAt = performance.now();
    this.kamailio = kamailio;
    this.server = { wsServer: kamailio.wsUrl, domain: LOCAL_SIP_DOMAIN, secret, iceServers: this.option.kind === 'local' ? this.option.iceServers : [] };
    if (this.down) this.logger.info('local SIP server back', { wsServer: kamailio.wsUrl, pid: kamailio.pid, restarts: this.restartAttempt });
    else this.logger.info('local SIP server started', { wsServer: kamailio.wsUrl, pid: kamailio.pid });
    this.down = false;
    this.unavailableReason = null;
    void kamailio.exited.then(() => {
      if (this.closed) return;
      const ranMs = Math.round(performance.now() - startedAt);
      if (ranMs >= KAMAILIO_STABLE_MS) this.restartAttempt = 0;
      // Its workers may outlive it and hold the port: end the whole group first.
      void kamailio.stop();
      this.scheduleRestart(secret, wsPort, 'local SIP server exited', { ranMs, output: withoutSecret(kamailio.output().slice(-2000), secret) });
    });
  }

  /** Registered user agents reconnect by themselves once it listens again on the same port. */
  private scheduleRestart(secret: string, wsPort: number, what: string, fields: Record<string, unknown>): void {
    const delayMs = backoffDelay(KAMAILIO_RESTART_BACKOFF, this.restartAttempt);
    this.restartAttempt += 1;
    const seconds = Math.max(1, Math.round(delayMs / 1000));
    this.down = true;
    this.unavailableReason = `The local SIP server stopped; restart ${this.restartAttempt} in ${seconds} s (see the backend log)`;
    this.logger.warn(`${what}; restarting it`, { attempt: this.restartAttempt, delayMs, ...fields });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closed) return;
      this.startLocal(secret, wsPort).catch((error: unknown) => {
        if (!this.closed) this.scheduleRestart(secret, wsPort, 'local SIP server restart failed', { error: withoutSecret(String(error), secret).slice(0, 2000) });
      });
    }, delayMs);
  }

  /** Kept in the data folder so crew terminals' passwords stay valid across restarts of the backend. */
  private localSecret(): string {
    const file = join(this.dataDir, 'sip-secret');
    if (existsSync(file)) {
      tightenFile(file);
      const stored = readFileSync(file, 'utf8').trim();
      if (/^[0-9a-f]{32,128}$/.test(stored)) return stored;
      this.logger.warn('the stored SIP secret is damaged; making a new one', { file });
    }
    ensurePrivateDir(this.dataDir);
    const secret = randomBytes(24).toString('hex');
    writePrivateFile(file, `${secret}\n`);
    return secret;
  }
}

/** kamailio quotes a configuration line it cannot parse, and the secret sits in one: its output is logged without it. */
function withoutSecret(text: string, secret: string): string {
  return text.replaceAll(secret, '[redacted]');
}
