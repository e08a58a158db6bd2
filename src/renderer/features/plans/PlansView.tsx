import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { z } from 'zod';
import type { Incident } from '../../../shared/domain/feed.js';
import { PlansPanelSchema, plansPanels, type PlansPanel } from '../../../shared/wall/scenes.js';
import { plansForIncident } from '../../../shared/plans/plan-matching.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { incidentTypeLabel } from '../../ui/incident-type.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import { orderedRuns } from './plans-state.js';
import type { PlanFileProblem } from '../../../shared/plans/plan-file.js';
import { IncidentReportForm } from './IncidentReportForm.js';
import { RunConsole } from './RunConsole.js';
import { useActiveScene } from '../wall/index.js';
import { useWindowState } from '../wall/index.js';
import { choiceNow } from '../wall/index.js';
import './plans.css';

/** The panel this plans window puts first, and under which scene it was chosen (a later scene's choice replaces it). */
const PlansWindowStateSchema = z.object({ choice: PlansPanelSchema, underScene: z.string().nullable() }).strict().nullable();

/** The side panels in the order each choice puts them; 'run' puts the runs first and the run holding the wall in the console. */
const sideOrder: Record<PlansPanel, readonly ('incidents' | 'library' | 'runs')[]> = {
  incidents: ['incidents', 'library', 'runs'],
  library: ['library', 'incidents', 'runs'],
  runs: ['runs', 'incidents', 'library'],
  run: ['runs', 'incidents', 'library'],
};

/** 一键联动: open incidents with the plans that fit them (best first), one click to launch, and the run console. */
export function PlansView() {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const hostLink = useStore(model.connection, (state) => state.host);
  const { library, runs, openRun, error } = useStore(model.plans, (state) => state);
  const allIncidents = useStore(model.incidents, (list) => list);
  const incidents = useMemo(() => allIncidents.filter((incident: Incident) => incident.state !== 'closed'), [allIncidents]);
  const [drill, setDrill] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [search, setSearch] = useState('');
  const [typeFilter, setTypeFilter] = useState('');
  const [importProblems, setImportProblems] = useState<PlanFileProblem[]>([]);
  const importFile = async (file: File | undefined) => {
    if (file) setImportProblems(await model.importPlan(await file.text()));
  };
  const exportPlan = async (planId: string) => {
    const exported = await model.exportPlan(planId);
    if (!exported) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([exported.text], { type: 'application/yaml' }));
    link.download = exported.fileName;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const incidentTypes = useMemo(() => [...new Set(library?.plans.flatMap((plan) => plan.incidentTypes) ?? [])].sort(), [library]);
  const shownPlans = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (library?.plans ?? []).filter(
      (plan) =>
        (typeFilter === '' || plan.incidentTypes.includes(typeFilter)) &&
        (needle === '' || [plan.id, plan.title.zh, plan.title.en, plan.summary.zh].some((field) => field.toLowerCase().includes(needle))),
    );
  }, [library, search, typeFilter]);
  const conflicts = useStore(model.sync, (status) => status?.conflicts ?? null);
  const proposals = useStore(model.proposals, (list) => list);
  const text = (value: { zh: string; en: string }) => (language === 'zh-CN' ? value.zh : value.en);

  useEffect(() => {
    if (hostLink === 'connected') void model.refreshPlans();
  }, [model, hostLink]);

  const scene = useActiveScene();
  const own = useWindowState('plans', PlansWindowStateSchema, null);
  const panel = choiceNow(scene?.scene.plans.panel ?? 'incidents', scene?.appliedAt ?? null, own.value);
  // A run that has just started pops its console up here, as does the run holding the wall when this window opens; a
  // run taking the wall back from one that ended does not pull the console away from what the operator is reading.
  const seenScene = useRef<string | null>(null);
  useEffect(() => {
    if (!scene || scene.appliedAt === seenScene.current || hostLink !== 'connected') return;
    const firstLook = seenScene.current === null;
    seenScene.current = scene.appliedAt;
    if (scene.run && (firstLook || scene.cause === 'run-started')) model.openRun(scene.run.runId).catch(() => undefined);
  }, [model, scene, hostLink]);

  const sidePanels: Record<'incidents' | 'library' | 'runs', ReactNode> = {
    incidents: (
      <div className="panel" key="incidents" data-side-panel="incidents">
        <h2>{t('plans.incidents')}</h2>
        <button type="button" data-testid="report-incident" onClick={() => setReporting(!reporting)}>
          {t('report.form.open')}
        </button>
        {reporting && <IncidentReportForm onDone={() => setReporting(false)} />}
        <label className="drill-toggle">
          <input type="checkbox" checked={drill} onChange={(event) => setDrill(event.target.checked)} data-testid="drill-mode" />
          {t('plans.drillMode')}
        </label>
        {incidents.length === 0 && <p className="muted">{t('plans.noIncidents')}</p>}
        <ul className="incident-plans" data-testid="incident-plans">
          {incidents.slice(0, 30).map((incident) => {
            const matching = library ? plansForIncident(library.plans, incident) : [];
            // A drill incident is acted on by drill runs only.
            const drillIncident = incident.drillId !== null;
            const launchMode = drillIncident || drill ? 'drill' : 'live';
            return (
              <li key={incident.id} data-incident={incident.id}>
                <div className="incident-title">{incident.title}</div>
                <div className="muted">
                  {incident.id} · {beijingTime(incident.reportedAt)}
                </div>
                {matching.length === 0 && <div className="muted">{t('plans.noMatch')}</div>}
                {matching.map((plan) => (
                  <button
                    type="button"
                    key={plan.id}
                    className={launchMode === 'drill' ? 'launch drill' : 'launch'}
                    data-testid={`launch-${plan.id}`}
                    onClick={() => void model.intents.run('plan.launch', { planId: plan.id, incidentId: incident.id, mode: launchMode })}
                  >
                    {launchMode === 'drill' ? t('plans.drill') : t('plans.launch')}：{text(plan.title)}
                  </button>
                ))}
              </li>
            );
          })}
        </ul>
      </div>
    ),
    library: (
      <div className="panel" key="library" data-side-panel="library">
        <h2>{t('plans.library')}</h2>
        <div className="directory-filters">
          <input type="search" value={search} placeholder={t('plans.search')} aria-label={t('plans.search')} onChange={(event) => setSearch(event.target.value)} data-testid="plan-search" />
          <select value={typeFilter} onChange={(event) => setTypeFilter(event.target.value)} aria-label={t('plans.filterType')} data-testid="plan-type-filter">
            <option value="">{t('plans.allTypes')}</option>
            {incidentTypes.map((type) => (
              <option key={type} value={type}>
                {incidentTypeLabel(t, type)}
              </option>
            ))}
          </select>
        </div>
        <label className="import-plan">
          {t('plans.import')}
          <input
            type="file"
            accept=".yaml,.yml"
            data-testid="plan-import"
            onChange={(event) => {
              void importFile(event.target.files?.[0]);
              event.target.value = '';
            }}
          />
        </label>
        {importProblems.length > 0 && <ProblemList title={t('plans.importProblems')} problems={importProblems} testId="import-problems" />}
        <ul className="plan-list" data-testid="plan-list">
          {shownPlans.map((plan) => (
            <li key={plan.id}>
              <span className="plan-title">{text(plan.title)}</span>
              <span className="muted">
                v{plan.version} · {plan.sourceFile}
              </span>
              <span className="plan-buttons">
                <button type="button" data-testid={`drill-${plan.id}`} onClick={() => void model.intents.run('plan.launch', { planId: plan.id, incidentId: null, mode: 'drill' })}>
                  {t('plans.drill')}
                </button>
                <button type="button" data-testid={`export-${plan.id}`} onClick={() => void exportPlan(plan.id)}>
                  {t('plans.export')}
                </button>
                {drill && (
                  <button type="button" data-testid={`inject-${plan.id}`} onClick={() => void model.injectDrill(plan.id)}>
                    {t('plans.inject')}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
        {conflicts && conflicts.length > 0 && (
          <div className="plan-problems" role="alert" data-testid="plan-conflicts">
            <h3>{t('sync.conflictTitle')}</h3>
            <ul>
              {conflicts.map((conflict) => (
                <li key={`${conflict.key}:${conflict.refusedFrom}`}>
                  <code>{conflict.key}</code> {t('sync.conflictKept')} {conflict.keptFrom.slice(0, 8)}
                  {t('sync.conflictRefused')}
                </li>
              ))}
            </ul>
          </div>
        )}
        {library && library.problems.length > 0 && <ProblemList title={t('plans.problems')} problems={library.problems} testId="plan-problems" />}
      </div>
    ),
    runs: (
      <div className="panel" key="runs" data-side-panel="runs">
        <h2>{t('plans.runs')}</h2>
        {runs.length === 0 && <p className="muted">{t('plans.noRuns')}</p>}
        <ul className="run-list" data-testid="run-list">
          {orderedRuns(runs).map((run) => (
            <li key={run.runId} className={run.runId === openRun?.state.runId ? 'open' : ''}>
              <button type="button" data-testid={`run-${run.runId}`} onClick={() => void model.openRun(run.runId)}>
                <span className={`mode mode-${run.mode}`}>{t(`run.mode.${run.mode}`)}</span> {text(run.title)}
                <span className="muted"> · {t(`run.status.${run.status}`)}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    ),
  };

  return (
    <section className="plans-view" aria-label={t('role.plans')} data-panel={panel}>
      <div className="plans-side">
        {proposals.length > 0 && (
          <div className="panel proposals" role="alert" data-testid="proposals">
            <h2>{t('plans.proposals')}</h2>
            <ul className="incident-plans">
              {proposals.map((proposal) => (
                <li key={`${proposal.incidentId}:${proposal.planId}`} data-proposal={proposal.planId}>
                  <div className="incident-title">
                    {proposal.drillId && <span className="mode mode-drill">{t('run.mode.drill')}</span>} {proposal.incidentTitle}
                  </div>
                  <div>{text(proposal.planTitle)}</div>
                  <button
                    type="button"
                    className={proposal.drillId ? 'launch drill' : 'launch'}
                    data-testid={`confirm-${proposal.planId}`}
                    onClick={() => void model.intents.run('plan.launch', { planId: proposal.planId, incidentId: proposal.incidentId, mode: proposal.drillId ? 'drill' : 'live' })}
                  >
                    {t('plans.confirmLaunch')}
                  </button>{' '}
                  <button type="button" onClick={() => void model.dismissProposal(proposal)}>
                    {t('plans.dismiss')}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="panel-tabs" role="group" aria-label={t('plans.panelFirst')}>
          <span className="muted">{t('plans.panelFirst')}</span>
          {plansPanels.map((name) => (
            <button
              type="button"
              key={name}
              aria-pressed={name === panel}
              data-testid={`plans-panel-${name}`}
              onClick={() => own.save({ choice: name, underScene: scene?.appliedAt ?? null })}
            >
              {t(`plans.panel.${name}`)}
            </button>
          ))}
          {own.error && (
            <span className="manual-note" role="alert">
              {t('window.saveFailed')}: {own.error}
            </span>
          )}
        </div>
        {sideOrder[panel].map((name) => sidePanels[name])}
      </div>
      <div className="plans-main">
        {error && (
          <div className="banner" role="alert" data-testid="plans-error">
            {error}{' '}
            <button type="button" onClick={() => model.dismissPlansError()}>
              ×
            </button>
          </div>
        )}
        {openRun ? <RunConsole view={openRun} /> : <p className="muted pending-role">{t('run.noRun')}</p>}
      </div>
    </section>
  );
}

/** Plan file problems, each with the place an editor should jump to. */
function ProblemList({ title, problems, testId }: { title: string; problems: readonly PlanFileProblem[]; testId: string }) {
  return (
    <div className="plan-problems" role="alert" data-testid={testId}>
      <h3>{title}</h3>
      <ul>
        {problems.map((problem) => (
          <li key={`${problem.file}:${problem.line}:${problem.column}:${problem.message}`}>
            <code>
              {problem.file}:{problem.line}:{problem.column}
            </code>{' '}
            {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
