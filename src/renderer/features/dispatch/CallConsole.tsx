import { useEffect, useRef, useState } from 'react';
import { ringMs, talkMs } from '../../../shared/dispatch/call-record.js';
import type { CallParty } from '../../../shared/dispatch/call-request.js';
import { DISPATCHER_USER_PREFIX } from '../../../shared/dispatch/sip-account.js';
import type { Translate } from '../../i18n/catalogue.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import { callProblemText, errorText } from './call-problem-text.js';
import { incomingQueue, liveCalls, type CallView } from './call-state.js';
import type { DispatcherSeat } from './dispatcher-seat.js';
import type { SipEngine } from './sip-engine.js';
import './dispatch.css';

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** The seat's registration, its figures, the incoming queue, the calls in progress and the call log. */
export function CallConsole({ seat }: { seat: DispatcherSeat }) {
  const t = useTranslation();
  const sip = useStore(seat.engine.state, (state) => state);
  const log = useStore(seat.log, (state) => state);
  const queue = incomingQueue(sip.calls);
  const calls = liveCalls(sip.calls);
  const kpis = log.kpis;

  return (
    <aside className="call-console" aria-label={t('call.seat')}>
      <div className={`sip-registration state-${sip.registration}`} data-testid="sip-registration" data-state={sip.registration} data-reregistrations={sip.reregistrations}>
        <strong>{t('call.seat')}</strong> {sip.user ?? ''} · {t(`call.registration.${sip.registration}`)}
        {sip.registrationNote && <span className="registration-note">{callProblemText(t, sip.registrationNote)}</span>}
      </div>
      <dl className="call-kpis" data-testid="call-kpis" data-answer-p90={kpis?.incomingAnswerP90Ms ?? ''} data-answered={kpis?.incomingAnswered ?? 0} data-missed={kpis?.missed ?? 0}>
        <div>
          <dt>{t('call.kpi.answerP90')}</dt>
          <dd>{seconds(kpis?.incomingAnswerP90Ms ?? null)}</dd>
        </div>
        <div>
          <dt>{t('call.kpi.within')}</dt>
          <dd>
            {percent(kpis?.incomingWithin10s ?? null)} / {percent(kpis?.incomingWithin15s ?? null)}
          </dd>
        </div>
        <div>
          <dt>{t('call.kpi.waiting')}</dt>
          <dd data-testid="calls-waiting">{queue.length}</dd>
        </div>
        <div>
          <dt>{t('call.kpi.missed')}</dt>
          <dd>{kpis?.missed ?? 0}</dd>
        </div>
        <div>
          <dt>{t('call.kpi.outgoingP90')}</dt>
          <dd>{seconds(kpis?.outgoingAnswerP90Ms ?? null)}</dd>
        </div>
      </dl>
      {log.problem && (
        <p className="manual-note" role="alert">
          {callProblemText(t, log.problem)}
        </p>
      )}

      <h3>{t('call.queue')}</h3>
      {queue.length === 0 ? (
        <p className="muted">{t('call.queueEmpty')}</p>
      ) : (
        <ol className="call-queue" data-testid="call-queue">
          {queue.map((call) => (
            <li key={call.id} className={`queued priority-${call.priority}`} data-call-id={call.id} data-priority={call.priority}>
              <span className="call-party">{partyName(t, call.party)}</span>
              <span className="call-meta">
                {t(`call.priority.${call.priority}`)} · {call.party.user} · <Waiting since={call.startedAt} />
              </span>
              <button type="button" className="primary" data-testid="answer" onClick={() => void seat.engine.answer(call.id)}>
                {t('call.answer')}
              </button>
              <button type="button" onClick={() => void seat.engine.reject(call.id)}>
                {t('call.reject')}
              </button>
            </li>
          ))}
        </ol>
      )}

      <h3>{t('call.active')}</h3>
      {calls.length === 0 ? <p className="muted">{t('call.none')}</p> : null}
      <ul className="calls" data-testid="calls">
        {calls.map((call) => (
          <CallRow key={call.id} call={call} engine={seat.engine} others={calls.filter((other) => other.id !== call.id && other.phase === 'talking')} />
        ))}
      </ul>

      <h3>{t('call.log')}</h3>
      {log.records.length === 0 ? (
        <p className="muted">{t('call.logEmpty')}</p>
      ) : (
        <table className="call-log" data-testid="call-log">
          <tbody>
            {log.records.map((record) => (
              <tr key={record.id} data-call-id={record.id} data-outcome={record.outcome}>
                <td>{beijingTime(record.startedAt)}</td>
                <td>{t(record.direction === 'incoming' ? 'call.incoming' : 'call.outgoing')}</td>
                <td>{record.peer.name ?? record.peer.user}</td>
                <td>{t(`call.outcome.${record.outcome}`)}</td>
                <td title="ring / talk">
                  {seconds(ringMs(record))} / {seconds(talkMs(record))}
                </td>
                <td>
                  {record.drill ? t('call.drill') : ''} {record.incidentId ?? ''} {record.problem ? callProblemText(t, record.problem) : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}

export function CallRow({ call, engine, others }: { call: CallView; engine: SipEngine; others: CallView[] }) {
  const t = useTranslation();
  const [transferTo, setTransferTo] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const attempt = (action: () => Promise<void> | void) => {
    setProblem(null);
    Promise.resolve()
      .then(action)
      .catch((error: unknown) => setProblem(errorText(t, error)));
  };
  const talking = call.phase === 'talking';
  return (
    <li
      className={`call phase-${call.phase}${call.held ? ' held' : ''}`}
      data-call-id={call.id}
      data-phase={call.phase}
      data-outcome={call.outcome}
      data-held={call.held}
      data-muted={call.muted}
      data-user={call.party.user}
      data-group={call.groupCallId ?? ''}
      data-audio-in={call.quality?.audioBytesIn ?? 0}
      data-audio-out={call.quality?.audioBytesOut ?? 0}
      data-video-frames={call.quality?.videoFramesIn ?? 0}
      data-audio-level={call.quality?.audioLevel ?? 0}
      data-dtmf={call.dtmfReceived}
    >
      <span className="call-party">{partyName(t, call.party)}</span>
      <span className="call-meta">
        {t(call.direction === 'incoming' ? 'call.incoming' : 'call.outgoing')} · {call.party.user} · {call.held ? t('call.held') : t(`call.phase.${call.phase}`)}
        {call.groupCallId ? ` · ${t('call.group')}` : ''}
        {call.drill ? ` · ${t('call.drill')}` : ''}
        {call.quality && talking ? ` · RTT ${call.quality.rttMs === null ? '—' : Math.round(call.quality.rttMs)} ms · jitter ${call.quality.jitterMs === null ? '—' : call.quality.jitterMs.toFixed(0)} ms · ${call.quality.lossPct.toFixed(1)}%` : ''}
      </span>
      {call.problem && <span className="call-error">{callProblemText(t, call.problem)}</span>}
      {problem && (
        <span className="call-error" role="alert">
          {problem}
        </span>
      )}
      {call.media === 'video' && talking && <RemoteVideo engine={engine} callId={call.id} />}
      <div className="call-actions">
        <button type="button" className="danger" data-testid="hang-up" onClick={() => attempt(() => engine.hangUp(call.id))}>
          {t('call.hangUp')}
        </button>
        {talking && (
          <>
            <button type="button" data-testid="hold" onClick={() => attempt(() => engine.setHold(call.id, !call.held))}>
              {call.held ? t('call.resume') : t('call.hold')}
            </button>
            <button type="button" data-testid="mute" onClick={() => engine.setMute(call.id, !call.muted)}>
              {call.muted ? t('call.unmute') : t('call.mute')}
            </button>
            <select
              aria-label={t('call.dtmf')}
              value=""
              onChange={(event) => {
                // Read now: the select is controlled and shows its prompt again before the send runs.
                const tone = event.target.value;
                attempt(() => engine.sendDtmf(call.id, tone));
              }}
            >
              <option value="">{t('call.dtmf')}</option>
              {['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((tone) => (
                <option key={tone} value={tone}>
                  {tone}
                </option>
              ))}
            </select>
            <input
              value={transferTo}
              placeholder={t('call.transferTo')}
              aria-label={t('call.transferTo')}
              data-testid="transfer-to"
              onChange={(event) => setTransferTo(event.target.value.trim())}
            />
            <button type="button" data-testid="transfer" disabled={transferTo === ''} onClick={() => attempt(() => engine.blindTransfer(call.id, transferTo))}>
              {t('call.transfer')}
            </button>
            {others.map((other) => (
              <button type="button" key={other.id} onClick={() => attempt(() => engine.attendedTransfer(call.id, other.id))}>
                {t('call.attended')} → {partyName(t, other.party)}
              </button>
            ))}
          </>
        )}
      </div>
    </li>
  );
}

/** The crew's camera in a video call. */
export function RemoteVideo({ engine, callId }: { engine: SipEngine; callId: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = engine.remoteStream(callId);
    return () => {
      element.srcObject = null;
    };
  }, [engine, callId]);
  return <video ref={ref} className="call-video" autoPlay muted playsInline data-testid="call-video" />;
}

function Waiting({ since }: { since: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span className="waiting">{Math.max(0, Math.round((now - Date.parse(since)) / 1000))} s</span>;
}

/** Who is on the line: the crew or person's name, a dispatcher seat without one by its role, else the SIP number. */
function partyName(t: Translate, party: CallParty): string {
  if (party.name !== null) return party.name;
  return party.user.startsWith(DISPATCHER_USER_PREFIX) ? t('call.dispatcher') : party.user;
}
