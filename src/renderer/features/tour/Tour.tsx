import { useEffect, useMemo, useState } from 'react';
import type { Role } from '../../../shared/domain/roles.js';
import { TOUR_PATH, isTourPath, parseTourParams, type TourPlan, type TourProblem } from '../../../shared/wall/tour.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import './tour.css';

/** The tour this window runs (`/tour?roles=…&dwell=…`), or null on an ordinary role URL. */
export function useTourPlan(): TourPlan | null {
  return useMemo(() => (isTourPath(location.pathname) ? parseTourParams([...new URLSearchParams(location.search)]) : null), []);
}

/** Shows the tour's roles in turn, each for its dwell time, with where it stands and a button to move on now. */
export function TourBadge({ roles, dwellSeconds }: { roles: readonly Role[]; dwellSeconds: number }) {
  const t = useTranslation();
  const model = useAppModel();
  const [cursor, setCursor] = useState(() => ({ stop: 0, since: Date.now() }));
  const [now, setNow] = useState(() => Date.now());
  const index = cursor.stop % roles.length;

  useEffect(() => {
    const role = roles[index];
    if (role) model.setRole(role);
  }, [model, roles, index]);

  useEffect(() => {
    const move = setTimeout(() => setCursor({ stop: cursor.stop + 1, since: Date.now() }), Math.max(0, cursor.since + dwellSeconds * 1000 - Date.now()));
    // The countdown only: a tick a second.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearTimeout(move);
      clearInterval(tick);
    };
  }, [cursor, dwellSeconds]);

  const left = Math.max(0, Math.ceil(dwellSeconds - (now - cursor.since) / 1000));
  return (
    <div className="tour-badge" data-testid="tour" data-stop={index} data-role={roles[index]}>
      {t('tour.title')} {index + 1}/{roles.length} · {left} s{' '}
      <button type="button" onClick={() => setCursor({ stop: cursor.stop + 1, since: Date.now() })}>
        {t('tour.next')}
      </button>
    </div>
  );
}

/** A tour URL with problems: all of them, and an example that works, instead of a tour that half runs. */
export function TourProblems({ problems }: { problems: readonly TourProblem[] }) {
  const t = useTranslation();
  return (
    <div className="tour-problems" role="alert" data-testid="tour-problems">
      <h2>{t('tour.badUrl')}</h2>
      <ul>
        {problems.map((problem) => (
          <li key={`${problem.kind}:${'value' in problem ? problem.value : ''}`} data-kind={problem.kind}>
            {t(`tour.problem.${problem.kind}`)}
            {'value' in problem ? `: "${problem.value}"` : ''}
          </li>
        ))}
      </ul>
      <p>
        {t('tour.example')}: <code>{`${TOUR_PATH}?roles=map,video&dwell=10`}</code>
      </p>
    </div>
  );
}
