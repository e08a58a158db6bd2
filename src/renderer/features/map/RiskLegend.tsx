import { riskGrades } from '../../../shared/domain/feed.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import type { CityRegisters } from './city-data.js';

/** 红橙黄蓝: risk sites per grade in this city and sensors in alarm per grade now. */
export function RiskLegend({ city }: { city: CityRegisters }) {
  const t = useTranslation();
  const model = useAppModel();
  const alarms = useStore(model.summary, (summary) => summary?.alarmsByGrade ?? null);
  return (
    <table className="risk-legend" data-testid="risk-legend">
      <thead>
        <tr>
          <th>{t('map.legend.grade')}</th>
          <th>{t('map.legend.sites')}</th>
          <th>{t('map.legend.alarms')}</th>
        </tr>
      </thead>
      <tbody>
        {riskGrades.map((grade) => (
          <tr key={grade} data-grade={grade}>
            <td>
              <span className={`grade-chip grade-${grade}`} /> {t(`grade.${grade}`)}
            </td>
            <td>{city.riskSites.sites.filter((site) => site.grade === grade).length}</td>
            <td>{alarms ? alarms[grade] : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
