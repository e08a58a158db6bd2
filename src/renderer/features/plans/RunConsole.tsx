import type { PlanStep, PlanTarget } from '../../../shared/plans/plan-schema.js';
import { CrewSpecialitySchema } from '../../../shared/city/schemas.js';
import type { RunEvent } from '../../../shared/plans/run-model.js';
import type { RunView } from '../../../shared/plans/plan-views.js';
import type { Translate } from '../../i18n/catalogue.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import { useState } from 'react';
import { RunReportView } from './RunReportView.js';
import { CallStepAction } from './CallStepAction.js';
import { CamerasStepAction } from './CamerasStepAction.js';
import { Countdown } from '../../ui/Countdown.js';
import { TextPrompt, type TextPromptRequest } from '../../ui/TextPrompt.js';
import './plans.css';

const time = (iso: string | null) => (iso ? beijingTime(iso) : '');

/** The run console: every step with its state and the actions the operator can take now, and the audit trail. */
export function RunConsole({ view }: { view: RunView }) {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const text = (value: { zh: string; en: string }) => (language === 'zh-CN' ? value.zh : value.en);
  const { state, plan, events } = view;
  const runId = state.runId;
  const roleTitle = (key: string) => {
    const role = plan.roles[key];
    return role ? text(role.title) : key;
  };
  const consoleId = useStore(model.hostInfo, (info) => info?.consoleId ?? null);
  const [showReport, setShowReport] = useState(false);
  // Another console's run is followed here, not commanded.
  const drivenHere = view.origin === consoleId;
  const active = state.status === 'active' && drivenHere;

  const [prompt, setPrompt] = useState<TextPromptRequest | null>(null);

  const renderStep = (step: PlanStep) => {
    const stepState = state.steps[step.id];
    const status = stepState?.status ?? 'pending';
    const open = active && (status === 'active' || status === 'acknowledged');
    return (
      <li key={step.id} className={`run-step status-${status}`} data-step={step.id} data-status={status}>
        <div className="run-step-head">
          <span className="run-step-title">{text(step.title)}</span>
          <span className="run-step-status">{t(`step.status.${status}`)}</span>
        </div>
        {'owner' in step && (
          <div className="muted">
            {t('run.owner')}: {roleTitle(step.owner)}
          </div>
        )}
        {step.type === 'task' && step.checklist.length > 0 && (
          <ul className="checklist">
            {step.checklist.map((item) => (
              <li key={item.zh}>{text(item)}</li>
            ))}
          </ul>
        )}
        {open && stepState?.limitAt && !stepState.escalatedTo && (
          <div className="muted">
            {t('run.due')}: {time(stepState.limitAt)} <Countdown until={stepState.limitAt} />
          </div>
        )}
        {stepState?.escalatedTo && (
          <div className="escalated" data-testid={`escalated-${step.id}`}>
            {t('run.escalated')} {roleTitle(stepState.escalatedTo)}
          </div>
        )}
        {open && step.type === 'wait' && (
          <div className="muted">
            {t('run.waitUntil')} {time(stepState?.dueAt ?? null)} {stepState?.dueAt && <Countdown until={stepState.dueAt} />}
          </div>
        )}
        {step.type === 'notify' && (
          <div className="notify-step" data-testid={`notify-${step.id}`}>
            {open && <div className="manual-note">{t('run.notifyAction')}</div>}
            <div>
              {t('run.notifyMessage')}: {text(step.message)}
            </div>
            <div className="muted">
              {t('run.notifyRecipients')}: {step.to.map((target) => targetText(target, t, roleTitle)).join('、')}
            </div>
          </div>
        )}
        {open && step.type === 'focus-map' && <div className="manual-note">{t('run.focusMapAction', { zoom: step.zoom })}</div>}
        {open && step.type === 'call' && <CallStepAction step={step} state={state} />}
        {open && step.type === 'open-cameras' && <CamerasStepAction step={step} state={state} />}
        {open && step.type === 'decision' && (
          <div className="step-actions">
            <div>{text(step.question)}</div>
            {step.options.map((option) => (
              <button
                type="button"
                key={option.id}
                data-testid={`choose-${step.id}-${option.id}`}
                onClick={() => void model.commandRun(runId, { type: 'choose', stepId: step.id, optionId: option.id })}
              >
                {text(option.label)}
              </button>
            ))}
          </div>
        )}
        {open && step.type !== 'decision' && step.type !== 'parallel' && (
          <div className="step-actions">
            {status === 'active' && (
              <button type="button" data-testid={`ack-${step.id}`} onClick={() => void model.commandRun(runId, { type: 'acknowledge', stepId: step.id })}>
                {t('run.acknowledge')}
              </button>
            )}
            {step.type !== 'wait' && (
              <button type="button" data-testid={`complete-${step.id}`} onClick={() => void model.commandRun(runId, { type: 'complete', stepId: step.id })}>
                {t('run.complete')}
              </button>
            )}
            <button
              type="button"
              data-testid={`skip-${step.id}`}
              onClick={() =>
                setPrompt({ question: t('run.skipReason'), onAnswer: (reason) => void model.commandRun(runId, { type: 'skip', stepId: step.id, reason }) })
              }
            >
              {t('run.skip')}
            </button>
          </div>
        )}
        {step.type === 'parallel' && (
          <div className="branches">
            {step.branches.map((branch, index) => (
              <ol key={index} className="branch">
                {branch.map(renderStep)}
              </ol>
            ))}
          </div>
        )}
      </li>
    );
  };

  const who = (event: RunEvent) => ('by' in event ? (event.by.kind === 'system' ? t('audit.system') : `${event.by.name} (${event.by.window})`) : t('audit.system'));
  const detail = (event: RunEvent): string => {
    switch (event.type) {
      case 'decision-made':
      case 'step-acknowledged':
      case 'step-completed':
      case 'step-activated':
      case 'step-escalated':
      case 'step-skipped': {
        const step = findStep(plan.steps, event.stepId);
        const base = step ? text(step.title) : event.stepId;
        if (event.type === 'decision-made') return `${base} → ${event.optionId}`;
        if (event.type === 'step-skipped') return `${base}: ${event.reason}`;
        if (event.type === 'step-escalated') return `${base} → ${roleTitle(event.to)}`;
        return base;
      }
      case 'action-requested':
      {
        const step = findStep(plan.steps, event.action.stepId);
        return `${t(`step.type.${event.action.kind}`)}: ${step ? text(step.title) : event.action.stepId}`;
      }
      case 'run-finished':
        return `${t(`run.status.${event.outcome}`)}${event.reason ? `: ${event.reason}` : ''}`;
      case 'run-started':
        return `${text(plan.title)} v${event.planVersion}${event.incident ? ` · ${event.incident.title}` : ''}`;
      case 'branch-ended':
        return `${event.stepId} #${event.branch + 1}`;
      case 'run-handed-over':
        return `${event.from.slice(0, 8)} → ${event.to.slice(0, 8)}: ${event.reason}`;
      case 'drill-injected': {
        const note = plan.drill?.script[event.index]?.note;
        return `#${event.index + 1}${note ? ` ${text(note)}` : ''} → ${event.incidentId}`;
      }
    }
  };

  return (
    <div className="run-console" data-testid="run-console" data-run={runId} data-status={state.status}>
      {showReport && <RunReportView view={view} onClose={() => setShowReport(false)} />}
      {prompt && <TextPrompt request={prompt} onClose={() => setPrompt(null)} />}
      <header className="run-header">
        <span className={`mode mode-${state.mode}`}>{t(`run.mode.${state.mode}`)}</span>
        <h2>{text(plan.title)}</h2>
        <span className="run-status" data-testid="run-status">
          {t(`run.status.${state.status}`)}
        </span>
        {state.drillId && <code>{state.drillId}</code>}
        <button type="button" data-testid="open-report" onClick={() => setShowReport(true)}>
          {t(state.mode === 'drill' ? 'report.drillTitle' : 'report.liveTitle')}
        </button>
        {active && (
          <button
            type="button"
            className="danger"
            onClick={() => setPrompt({ question: t('run.abortReason'), onAnswer: (reason) => void model.commandRun(runId, { type: 'abort', reason }) })}
          >
            {t('run.abort')}
          </button>
        )}
      </header>
      {state.incident && <div className="muted">{state.incident.title}</div>}
      {!drivenHere && (
        <div className="manual-note" data-testid="follow-only">
          {t('run.followOnly')} ({view.origin.slice(0, 8)})
          {state.status === 'active' && (
            <button
              type="button"
              data-testid="take-over"
              onClick={() => setPrompt({ question: t('run.takeOverReason'), onAnswer: (reason) => void model.takeOverRun(runId, reason) })}
            >
              {t('run.takeOver')}
            </button>
          )}
        </div>
      )}
      <div className="run-body">
        <ol className="run-steps">{plan.steps.map(renderStep)}</ol>
        <div className="audit">
          <h3>{t('run.audit')}</h3>
          <ol className="audit-list" data-testid="audit-list">
            {events.map((record) => (
              <li key={record.seq} data-type={record.event.type}>
                <span className="audit-time">{time(record.event.at)}</span> <strong>{t(`audit.${record.event.type}`)}</strong> {detail(record.event)}
                <span className="muted"> · {who(record.event)}</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </div>
  );
}

/** Who a plan step reaches, in the operator's words. */
function targetText(target: PlanTarget, t: Translate, roleTitle: (key: string) => string): string {
  if ('crew' in target) return t('run.target.crew', { crew: target.crew });
  if ('role' in target) return roleTitle(target.role);
  if ('nearest' in target) {
    const { speciality, count, withinKm } = target.nearest;
    const nearest = speciality ? t('run.target.nearest', { count, speciality: t(`speciality.${speciality}`) }) : t('run.target.nearestAny', { count });
    return withinKm === undefined ? nearest : t('run.target.nearestWithin', { nearest, km: withinKm });
  }
  if (target.group === 'district:incident') return t('run.target.incidentDistrict');
  if (target.group.startsWith('speciality:')) {
    const speciality = CrewSpecialitySchema.parse(target.group.slice('speciality:'.length));
    return t('run.target.specialityGroup', { speciality: t(`speciality.${speciality}`) });
  }
  return t('run.target.group', { group: target.group });
}

function findStep(steps: PlanStep[], stepId: string): PlanStep | undefined {
  for (const step of steps) {
    if (step.id === stepId) return step;
    if (step.type === 'parallel') {
      for (const branch of step.branches) {
        const found = findStep(branch, stepId);
        if (found) return found;
      }
    }
  }
  return undefined;
}
