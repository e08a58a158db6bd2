import { useMemo } from 'react';
import type { RunView } from '../../../shared/plans/plan-views.js';
import { buildRunReport } from '../../../shared/plans/run-report.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { beijingDateTime } from '../../ui/time-format.js';

const duration = (value: number | null) => (value === null ? '—' : `${Math.floor(value / 60)}′${String(value % 60).padStart(2, '0')}″`);

/** The printable after-action (drill) report of one run. */
export function RunReportView({ view, onClose }: { view: RunView; onClose: () => void }) {
  const t = useTranslation();
  const language = useStore(useAppModel().settings, (settings) => settings.language);
  const text = (value: { zh: string; en: string }) => (language === 'zh-CN' ? value.zh : value.en);
  const report = useMemo(() => buildRunReport(view), [view]);
  const titleOf = (stepId: string | null) => (stepId === null ? '' : text(report.steps.find((step) => step.stepId === stepId)?.title ?? { zh: stepId, en: stepId }));

  return (
    <div className="overlay report-overlay" role="dialog" aria-modal="true" aria-labelledby="report-title">
      <article className="dialog report" data-testid="run-report">
        <header className="report-header">
          <h2 id="report-title">
            {t(report.mode === 'drill' ? 'report.drillTitle' : 'report.liveTitle')} · {text(report.plan.title)}
          </h2>
          <div className="report-actions">
            <button type="button" onClick={() => window.print()}>
              {t('report.print')}
            </button>
            <button type="button" onClick={onClose}>
              {t('about.close')}
            </button>
          </div>
        </header>
        <dl className="report-facts">
          <dt>{t('report.run')}</dt>
          <dd>
            {report.runId}
            {report.drillId ? ` · ${report.drillId}` : ''}
          </dd>
          <dt>{t('report.plan')}</dt>
          <dd>
            {report.plan.id} v{report.plan.version}
          </dd>
          {report.incident && (
            <>
              <dt>{t('report.incident')}</dt>
              <dd>{report.incident.title}</dd>
            </>
          )}
          <dt>{t('report.period')}</dt>
          <dd>
            {beijingDateTime(report.startedAt)} – {report.finishedAt ? beijingDateTime(report.finishedAt) : '…'} ({duration(report.durationSeconds)})
          </dd>
          <dt>{t('report.outcome')}</dt>
          <dd>{t(`run.status.${report.outcome}`)}</dd>
          <dt>{t('report.score')}</dt>
          <dd className="report-score" data-testid="report-score">
            {report.score.total}
            <span className="muted">
              {' '}
              ({t('report.timeliness')} {Math.round(report.score.timeliness * 100)}% · {t('report.completeness')} {Math.round(report.score.completeness * 100)}% ·{' '}
              {t('report.discipline')} {Math.round(report.score.discipline * 100)}%)
            </span>
          </dd>
        </dl>
        <h3>{t('report.steps')}</h3>
        <table className="report-table">
          <thead>
            <tr>
              <th>{t('report.step')}</th>
              <th>{t('report.status')}</th>
              <th>{t('report.toAck')}</th>
              <th>{t('report.toFinish')}</th>
              <th>{t('report.limit')}</th>
              <th>{t('report.remark')}</th>
            </tr>
          </thead>
          <tbody>
            {report.steps
              .filter((step) => step.activatedAt !== null && step.type !== 'parallel')
              .map((step) => (
                <tr key={step.stepId} className={step.withinLimit === false ? 'late' : step.status === 'skipped' ? 'skipped' : ''} data-step={step.stepId}>
                  <td>{text(step.title)}</td>
                  <td>{t(`step.status.${step.status}`)}</td>
                  <td>{duration(step.secondsToAcknowledge)}</td>
                  <td>{duration(step.secondsToFinish)}</td>
                  <td>
                    {step.limitSeconds === null ? '—' : duration(step.limitSeconds)}
                    {step.withinLimit === false ? ` ${t('report.late')}` : ''}
                  </td>
                  <td>
                    {step.escalatedTo ? `${t('run.escalated')} ${step.escalatedTo}` : ''}
                    {step.skipReason ? `${t('run.skip')}: ${step.skipReason}` : ''}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
        <h3>{t('report.timeline')}</h3>
        <ol className="report-timeline">
          {report.timeline.map((entry) => (
            <li key={entry.seq}>
              <span className="audit-time">+{duration(entry.secondsFromStart)}</span> {t(`audit.${entry.type}`)} {titleOf(entry.stepId)}
              <span className="muted"> · {entry.who === 'system' ? t('audit.system') : entry.who}</span>
            </li>
          ))}
        </ol>
      </article>
    </div>
  );
}
