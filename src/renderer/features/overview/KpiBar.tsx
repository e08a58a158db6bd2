import { riskGrades } from '../../../shared/domain/feed.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import './overview.css';

/** The 一屏通览 headline: alarms by risk grade, open incidents, crews on duty, vehicles active. */
export function KpiBar() {
  const t = useTranslation();
  const summary = useStore(useAppModel().summary, (value) => value);
  const figure = (value: number | undefined) => (value === undefined ? '—' : value.toLocaleString('zh-CN'));
  return (
    <div className="kpis" data-testid="kpis">
      <div className="kpi kpi-alarms">
        <span className="kpi-label">{t('kpi.alarms')}</span>
        <span className="kpi-value">{figure(summary?.sensors.alarm)}</span>
        <span className="grades">
          {riskGrades.map((grade) => (
            <span key={grade} className={`grade grade-${grade}`} title={t(`grade.${grade}`)}>
              {figure(summary?.alarmsByGrade[grade])}
            </span>
          ))}
        </span>
      </div>
      <div className="kpi">
        <span className="kpi-label">{t('kpi.warnings')}</span>
        <span className="kpi-value">{figure(summary?.sensors.warning)}</span>
      </div>
      <div className="kpi">
        <span className="kpi-label">{t('kpi.openIncidents')}</span>
        <span className="kpi-value">{figure(summary?.openIncidents)}</span>
      </div>
      <div className="kpi">
        <span className="kpi-label">{t('kpi.crewsOnDuty')}</span>
        <span className="kpi-value">{figure(summary?.crewsOnDuty)}</span>
      </div>
      <div className="kpi">
        <span className="kpi-label">{t('kpi.vehiclesActive')}</span>
        <span className="kpi-value">{figure(summary?.vehiclesActive)}</span>
      </div>
    </div>
  );
}
