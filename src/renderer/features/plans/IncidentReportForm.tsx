import { useEffect, useMemo, useState } from 'react';
import type { Basemap } from '../../../shared/domain/basemap.js';
import { incidentSeverities, riskGrades, type IncidentReport } from '../../../shared/domain/feed.js';
import type { LngLat } from '../../../shared/domain/geo.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { incidentTypeLabel } from '../../ui/incident-type.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';

interface District {
  adcode: string;
  name: string;
  labelPoint: LngLat;
}

function districtsOf(basemap: Basemap): District[] {
  return basemap.districts.features.flatMap((feature) => {
    const properties = feature.properties ?? {};
    const { adcode, name, labelPoint } = properties as { adcode?: unknown; name?: unknown; labelPoint?: unknown };
    return typeof adcode === 'string' && typeof name === 'string' && Array.isArray(labelPoint) ? [{ adcode, name, labelPoint: labelPoint as LngLat }] : [];
  });
}

/**
 * Registers an incident reported by phone or patrol (发现 → 立案). Until the map can pick a point (the situational
 * map feature), the incident is placed at its district's label point.
 */
export function IncidentReportForm({ onDone }: { onDone: () => void }) {
  const t = useTranslation();
  const model = useAppModel();
  const library = useStore(model.plans, (state) => state.library);
  const types = useMemo(() => [...new Set(library?.plans.flatMap((plan) => plan.incidentTypes) ?? [])].sort(), [library]);
  const [districts, setDistricts] = useState<District[]>([]);
  const [form, setForm] = useState({ type: '', title: '', severity: 'major' as IncidentReport['severity'], districtAdcode: '', riskGrade: '' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    callHost(model.host.bridge, 'city.basemap', {}).then(
      (basemap) => setDistricts(districtsOf(basemap)),
      (failure: Error) => setError(failure.message),
    );
  }, [model]);

  const district = districts.find((candidate) => candidate.adcode === form.districtAdcode);
  const submit = async () => {
    if (!district || form.type === '') return;
    try {
      await callHost(model.host.bridge, 'incidents.report', {
        type: form.type,
        title: form.title,
        severity: form.severity,
        position: district.labelPoint,
        districtAdcode: district.adcode,
        riskGrade: form.riskGrade === '' ? null : (form.riskGrade as IncidentReport['riskGrade']),
      });
      onDone();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <form
      className="incident-form"
      data-testid="incident-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label>
        {t('report.form.type')}
        <select value={form.type} onChange={(event) => setForm({ ...form, type: event.target.value })} required data-testid="incident-type">
          <option value="" />
          {types.map((type) => (
            <option key={type} value={type}>
              {incidentTypeLabel(t, type)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('report.form.title')}
        <input value={form.title} onChange={(event) => setForm({ ...form, title: event.target.value })} required minLength={2} maxLength={200} data-testid="incident-title" />
      </label>
      <label>
        {t('report.form.district')}
        <select value={form.districtAdcode} onChange={(event) => setForm({ ...form, districtAdcode: event.target.value })} required data-testid="incident-district">
          <option value="" />
          {districts.map((candidate) => (
            <option key={candidate.adcode} value={candidate.adcode}>
              {candidate.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('report.form.severity')}
        <select value={form.severity} onChange={(event) => setForm({ ...form, severity: event.target.value as IncidentReport['severity'] })} data-testid="incident-severity">
          {incidentSeverities.map((severity) => (
            <option key={severity} value={severity}>
              {t(`severity.${severity}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('report.form.grade')}
        <select value={form.riskGrade} onChange={(event) => setForm({ ...form, riskGrade: event.target.value })}>
          <option value="">—</option>
          {riskGrades.map((grade) => (
            <option key={grade} value={grade}>
              {t(`grade.${grade}`)}
            </option>
          ))}
        </select>
      </label>
      {error && <div className="banner">{error}</div>}
      <div className="step-actions">
        <button type="submit" data-testid="incident-submit">
          {t('report.form.submit')}
        </button>
        <button type="button" onClick={onDone}>
          {t('about.close')}
        </button>
      </div>
    </form>
  );
}
