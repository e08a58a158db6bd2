/**
 * The baseline of the dispatch bench: the least a browser can do to place a sip.js call (a user agent, a
 * registration, an Inviter; the far end accepts in its onInvite), with no engine, store, screen or call log. It is
 * bundled by the bench and put into the same pages the console and the crew terminal run in.
 */
import { Inviter, Registerer, SessionState, UserAgent, type Invitation, type Session } from 'sip.js';

interface BareAccount {
  user: string;
  password: string;
  domain: string;
  wsServer: string;
}

let userAgent: UserAgent | null = null;
let session: Session | null = null;
const marks: { ringingAt: number | null } = { ringingAt: null };

async function start(account: BareAccount): Promise<void> {
  userAgent = new UserAgent({
    uri: UserAgent.makeURI(`sip:${account.user}@${account.domain}`),
    authorizationUsername: account.user,
    authorizationPassword: account.password,
    transportOptions: { server: account.wsServer },
    logBuiltinEnabled: false,
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 500 },
    delegate: {
      onInvite: (invitation: Invitation) => {
        marks.ringingAt = Date.now();
        session = invitation;
        void invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
      },
    },
  });
  await userAgent.start();
  const registerer = new Registerer(userAgent);
  await new Promise<void>((resolve, reject) => {
    void registerer.register({ requestDelegate: { onAccept: () => resolve(), onReject: () => reject(new Error('bare registration refused')) } });
  });
}

/** Places the call and returns when it left (Date.now() at the start, as the console's click is timed). */
function call(user: string, domain: string): number {
  if (!userAgent) throw new Error('bare user agent not started');
  const startedAt = Date.now();
  const target = UserAgent.makeURI(`sip:${user}@${domain}`);
  if (!target) throw new Error('bad target');
  const inviter = new Inviter(userAgent, target, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  session = inviter;
  void inviter.invite();
  return startedAt;
}

async function hangUp(): Promise<void> {
  if (session?.state === SessionState.Established) await session.bye();
  session = null;
  marks.ringingAt = null;
}

Object.assign(window, { bareSip: { start, call, hangUp, marks } });
