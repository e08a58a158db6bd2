import { useEffect, useState } from 'react';
import type { IngestMqttState, IngestSourceStats, IngestStats } from '../../../shared/ingest/index.js';
import { callHost } from '../../bridge/host.js';
import type { Translate } from '../../i18n/catalogue.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { beijingDateTime } from '../../ui/time-format.js';
import './ingest.css';

/** Often enough to watch a flood or a fix take effect, rarely enough to cost the backend nothing. */
const REFRESH_MS = 2000;

/**
 * What each device source and city system has sent the backend: its rate, what was accepted, what was refused and
 * why, and the last refusal (with its topic and detail, to find it in the dead-letter topic or the log).
 */
export function IngestPanel() {
  const t = useTranslation();
  const model = useAppModel();
  const [stats, setStats] = useState<IngestStats | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    // One read at a time: a slow backend's older answer never replaces a newer one.
    let reading = false;
    const read = () => {
      if (reading) return Promise.resolve();
      reading = true;
      return callHost(model.host.bridge, 'ingest.stats', {})
        .then(
          (answer) => {
            if (cancelled) return;
            setStats(answer);
            setProblem(null);
          },
          (error: Error) => void (!cancelled && setProblem(error.message)),
        )
        .finally(() => {
          reading = false;
        });
    };
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [model]);

  return (
    <section className="settings-section ingest-panel" aria-labelledby="ingest-title" data-testid="ingest-panel">
      <h3 id="ingest-title">{t('ingest.title')}</h3>
      {problem !== null && (
        <p className="manual-note" role="alert">
          {t('ingest.unavailable')}: {problem}
        </p>
      )}
      {stats && <p data-testid="ingest-mqtt">{mqttLine(t, stats.mqtt)}</p>}
      {stats && stats.sources.length === 0 && <p className="muted">{t('ingest.noSources')}</p>}
      {stats && stats.sources.length > 0 && (
        <table className="ingest-sources">
          <thead>
            <tr>
              <th>{t('ingest.source')}</th>
              <th>{t('ingest.rate')}</th>
              <th>{t('ingest.accepted')}</th>
              <th>{t('ingest.rejected')}</th>
              <th>{t('ingest.lastMessage')}</th>
              <th>{t('ingest.lastRejection')}</th>
            </tr>
          </thead>
          <tbody>
            {stats.sources.map((source) => (
              <SourceRow key={source.source} source={source} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SourceRow({ source }: { source: IngestSourceStats }) {
  const t = useTranslation();
  const rejected = Object.entries(source.rejected) as [keyof IngestSourceStats['rejected'], number][];
  const last = source.lastRejection;
  return (
    <tr data-testid="ingest-source" data-source={source.source}>
      <td>{source.source === 'simulator' ? t('ingest.source.simulator') : source.source}</td>
      <td className="number">{source.perSecond.toFixed(1)}</td>
      <td className="number" data-testid="ingest-accepted">
        {source.accepted}
      </td>
      <td data-testid="ingest-rejected">
        {rejected.map(([reason, count]) => (
          <span key={reason} className="ingest-reason" data-reason={reason}>
            {t(`ingest.reason.${reason}`)} {count}
          </span>
        ))}
      </td>
      <td>{source.lastMessageAt === null ? '' : beijingDateTime(source.lastMessageAt)}</td>
      <td data-testid="ingest-last-rejection">
        {last && (
          <>
            {t(`ingest.reason.${last.reason}`)} · <code>{last.topic}</code> · {last.detail} · {beijingDateTime(last.at)}
          </>
        )}
      </td>
    </tr>
  );
}

function mqttLine(t: Translate, mqtt: IngestMqttState): string {
  switch (mqtt.kind) {
    case 'embedded':
      return t('ingest.mqtt.embedded', { port: String(mqtt.port), count: mqtt.clients });
    case 'external':
      return `${t('ingest.mqtt.external', { url: mqtt.url })}: ${t(!mqtt.connected ? 'ingest.mqtt.disconnected' : mqtt.subscribed ? 'ingest.mqtt.connected' : 'ingest.mqtt.notGranted')}${mqtt.lastError ? ` (${mqtt.lastError})` : ''}`;
    case 'none':
      return mqtt.reason === null ? t('ingest.mqtt.none') : t('ingest.mqtt.noneBecause', { reason: mqtt.reason });
  }
}
