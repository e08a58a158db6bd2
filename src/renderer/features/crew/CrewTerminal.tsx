import { useEffect, useMemo, useRef, useState } from 'react';
import type { HostBridge } from '../../../shared/contract/api.js';
import type { Crew, CrewStatus } from '../../../shared/domain/directory.js';
import { crewStatuses } from '../../../shared/domain/directory.js';
import type { LngLat } from '../../../shared/domain/geo.js';
import { DISPATCH_HUNT_GROUP } from '../../../shared/dispatch/sip-account.js';
import type { CallPriority } from '../../../shared/dispatch/call-record.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useStore } from '../../state/store.js';
import { CallRow } from '../dispatch/index.js';
import { callProblemText, errorText } from '../dispatch/index.js';
import { incomingQueue, liveCalls } from '../dispatch/index.js';
import { identifyUser } from '../dispatch/index.js';
import { SipEngine } from '../dispatch/index.js';
import { SecureContextBanner } from '../secure-context/index.js';
import './crew.css';

/** Position reports are sent at most this often while the crew moves (and at once when its status changes). */
const POSITION_REPORT_MS = 10_000;

/**
 * The frontline crew's terminal (`/crew[?autoAnswer=1]`), for a phone or tablet enrolled for its crew (the crew comes
 * from the device's credential): it registers with the crew's own SIP account, answers the centre's calls (by itself
 * when auto-answer is on), calls the centre (the hunt group rings every dispatcher), and reports the crew's status
 * and position.
 */
export function CrewTerminal({ bridge, crewId }: { bridge: HostBridge; crewId: string }) {
  const t = useTranslation();
  const params = useMemo(() => new URLSearchParams(location.search), []);
  const [autoAnswer, setAutoAnswer] = useState(params.get('autoAnswer') === '1');
  const [crew, setCrew] = useState<Crew | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [position, setPosition] = useState<LngLat | null>(null);
  const crewRef = useRef<Crew | null>(null);
  const engine = useMemo(
    () =>
      new SipEngine({
        account: async () => {
          const signedIn = await callHost(bridge, 'crewTerminal.account', { crewId });
          setCrew(signedIn.crew);
          return signedIn.account;
        },
        identify: (user, displayName) =>
          identifyUser(user, displayName, (extension) => callHost(bridge, 'crewTerminal.identify', { crewId, user: extension })),
      }),
    [bridge, crewId],
  );
  const sip = useStore(engine.state, (state) => state);
  // Changing these must not rebuild the engine (and drop its calls): the engine and the position watch read them.
  useEffect(() => engine.setAutoAnswer(autoAnswer), [engine, autoAnswer]);
  useEffect(() => {
    crewRef.current = crew;
  }, [crew]);

  useEffect(() => {
    void engine.start();
    return () => void engine.dispose();
  }, [engine]);

  const report = (status: CrewStatus, at: LngLat | null) => {
    callHost(bridge, 'crewTerminal.report', { crewId, status, position: at }).then(setCrew, (error: unknown) => setProblem(errorText(t, error)));
  };

  // The device's position, when it grants one; the crew's last status goes with it.
  useEffect(() => {
    if (!crew || !('geolocation' in navigator)) return;
    let lastSent = 0;
    const watch = navigator.geolocation.watchPosition(
      (fix) => {
        const at: LngLat = [fix.coords.longitude, fix.coords.latitude];
        setPosition(at);
        if (Date.now() - lastSent < POSITION_REPORT_MS) return;
        lastSent = Date.now();
        // The status the crew set last, not the one it had when the watch started.
        report(crewRef.current?.status ?? crew.status, at);
      },
      () => setPosition(null),
      { enableHighAccuracy: true, maximumAge: 5000 },
    );
    return () => navigator.geolocation.clearWatch(watch);
    // Only a new crew (sign-in) restarts the watch; a status change reports through its own button.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [crew?.id]);

  const callCentre = (priority: CallPriority) => {
    setProblem(null);
    try {
      engine.call({ user: DISPATCH_HUNT_GROUP, name: t('crew.commandCentre'), crewId: null }, { media: 'audio', priority, incidentId: null, runId: null, drill: false });
    } catch (error) {
      setProblem(errorText(t, error));
    }
  };
  const ringing = incomingQueue(sip.calls);
  const calls = liveCalls(sip.calls);

  return (
    <main className="crew-terminal" data-testid="crew-terminal" data-crew={crewId}>
      <h1>
        {t('crew.title')} · {crew?.name ?? crewId}
      </h1>
      <SecureContextBanner />
      <div className={`sip-registration state-${sip.registration}`} data-testid="sip-registration" data-state={sip.registration}>
        {sip.user ?? ''} · {t(`call.registration.${sip.registration}`)}
        {sip.registrationNote && <span className="registration-note">{callProblemText(t, sip.registrationNote)}</span>}
      </div>
      {problem && (
        <p className="manual-note" role="alert">
          {problem}
        </p>
      )}
      <label>
        <input type="checkbox" checked={autoAnswer} onChange={(event) => setAutoAnswer(event.target.checked)} /> {t('crew.autoAnswer')}
      </label>
      <section aria-label={t('crew.status')}>
        <h2>{t('crew.status')}</h2>
        {crewStatuses.map((status) => (
          <button type="button" key={status} aria-pressed={crew?.status === status} data-testid={`status-${status}`} onClick={() => report(status, position)}>
            {t(`dispatch.status.${status}`)}
          </button>
        ))}
        <p className="muted" data-testid="crew-position">
          {t('crew.position')}: {position ? `${position[0].toFixed(5)}, ${position[1].toFixed(5)}` : t('crew.noPosition')}
        </p>
      </section>
      <section className="crew-calls">
        <button type="button" className="primary" data-testid="call-centre" onClick={() => callCentre('normal')}>
          {t('crew.callDispatch')}
        </button>
        <button type="button" className="danger" data-testid="call-emergency" onClick={() => callCentre('emergency')}>
          {t('crew.emergency')}
        </button>
        {ringing.map((call) => (
          <div key={call.id} className="incoming" data-testid="incoming" data-call-id={call.id}>
            {t('crew.incoming')}: {call.party.name ?? call.party.user}
            <button type="button" className="primary" data-testid="answer" onClick={() => void engine.answer(call.id)}>
              {t('call.answer')}
            </button>
            <button type="button" onClick={() => void engine.reject(call.id)}>
              {t('call.reject')}
            </button>
          </div>
        ))}
        <ul className="calls" data-testid="calls">
          {calls.map((call) => (
            <CallRow key={call.id} call={call} engine={engine} others={[]} />
          ))}
        </ul>
      </section>
    </main>
  );
}
