import { useCallback, useEffect, useMemo, useState } from 'react';
import { RiskSiteTypeSchema } from '../../../shared/city/schemas.js';
import { riskGrades } from '../../../shared/domain/feed.js';
import { roles, type Role } from '../../../shared/domain/roles.js';
import { EMERGENCY_SCENE_ID, dispatchPanels, plansPanels, videoLayoutSizes, type SceneEntry } from '../../../shared/wall/scenes.js';
import type { WallDisplays } from '../../../shared/wall/displays.js';
import { WallConfigSchema, type WallConfig, type WallScreen } from '../../../shared/wall/wall-config.js';
import { ApiCallError, callHost } from '../../bridge/host.js';
import type { PlainMessageKey } from '../../i18n/catalogue.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { displaysForDraft, drawDisplays } from './display-drawing.js';
import { blankSceneForm, formOf, sceneOf, type FormProblem, type SceneForm } from './scene-form.js';
import { DrillRosterEditor } from './DrillRosterEditor.js';
import { CredentialsEditor, PasswordChange, UsersEditor } from './AccountSettings.js';
import { isAdministrator } from '../session/index.js';
import { IngestPanel } from '../ingest/index.js';
import { methodAccess } from '../../../shared/identity/access.js';
import './settings.css';

const PICTURE = { width: 680, height: 200 };

/**
 * Settings (Alt+S): the user's own password; for an administrator, users and the credentials of sessions, crew
 * terminals and wall screens; which display shows which role on the wall, the wall's scenes, and the drill roster.
 */
export function SettingsView() {
  const t = useTranslation();
  const model = useAppModel();
  const principal = useStore(model.session.state, (state) => state.principal);
  const signedIn = principal?.kind === 'user';
  const administrator = isAdministrator(principal);
  const watchesIngestion = principal?.kind === 'user' && principal.roles.some((role) => methodAccess['ingest.stats'].includes(role));
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="settings-title">
      <div className="dialog settings-dialog" data-testid="settings">
        <h2 id="settings-title">{t('settings.title')}</h2>
        {signedIn && <PasswordChange />}
        {administrator && <UsersEditor />}
        {administrator && <CredentialsEditor />}
        {watchesIngestion && <IngestPanel />}
        <WallEditor />
        <SceneEditor />
        <DrillRosterEditor />
        <button type="button" onClick={() => model.closeOverlay()}>
          {t('about.close')}
        </button>
      </div>
    </div>
  );
}

function WallEditor() {
  const t = useTranslation();
  const model = useAppModel();
  const saved = useStore(model.settings, (settings) => settings.wall);
  const [draft, setDraft] = useState<WallConfig>(saved);
  const [answer, setAnswer] = useState<WallDisplays | null>(null);
  const [status, setStatus] = useState<{ ok: true } | { ok: false; message: string } | null>(null);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);

  useEffect(() => {
    let cancelled = false;
    callHost(model.host.bridge, 'wall.displays', {}).then(
      (displays) => !cancelled && setAnswer(displays),
      (error: Error) => !cancelled && setStatus({ ok: false, message: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, saved]);

  // The web host cannot see the wall's monitors; this browser's screen is the best guess at their size.
  const screenWidth = window.screen.width;
  const screenHeight = window.screen.height;
  const displays = useMemo(
    () => (answer ? displaysForDraft(answer, draft, { width: screenWidth, height: screenHeight }) : []),
    [answer, draft, screenWidth, screenHeight],
  );
  const drawn = drawDisplays(displays, PICTURE);
  const pictureHeight = Math.max(0, ...drawn.map((box) => box.top + box.height));

  const edit = (index: number, change: Partial<WallScreen>) => {
    setStatus(null);
    setDraft((current) => ({ ...current, screens: current.screens.map((screen, at) => (at === index ? { ...screen, ...change } : screen)) }));
  };
  const add = (displayId: number | null) => {
    setStatus(null);
    setDraft((current) => {
      const unused = roles.find((role) => !current.screens.some((screen) => screen.role === role)) ?? 'map';
      return { ...current, screens: [...current.screens, { role: unused, displayId, fullscreen: displayId !== null, bounds: null }] };
    });
  };
  const remove = (index: number) => {
    setStatus(null);
    setDraft((current) => ({ ...current, screens: current.screens.filter((_, at) => at !== index) }));
  };
  const save = () => {
    const checked = WallConfigSchema.safeParse(draft);
    if (!checked.success) {
      setStatus({ ok: false, message: checked.error.issues.map((issue) => `${issue.path.join('.') || t('settings.wall')}: ${issue.message}`).join('; ') });
      return;
    }
    model.updateSettings({ wall: checked.data }).then(
      () => setStatus({ ok: true }),
      (error: Error) => setStatus({ ok: false, message: error.message }),
    );
  };
  const displayOf = (index: number) => displays.find((display) => display.screens.some((screen) => screen.index === index));
  const kioskUrl = (screen: WallScreen, index: number) => `${location.origin}/${screen.role}?screen=${index}`;

  return (
    <section className="settings-section" aria-labelledby="settings-wall">
      <h3 id="settings-wall">{t('settings.wall')}</h3>
      {answer === null ? (
        <p className="muted">{t('settings.displays.loading')}</p>
      ) : (
        <p className="muted" data-testid="displays-source" data-source={answer.source}>
          {t(answer.source === 'os' ? 'settings.displays.os' : 'settings.displays.configured')}
        </p>
      )}
      <div className="display-picture" style={{ width: PICTURE.width, height: pictureHeight }} data-testid="display-picture">
        {drawn.map(({ display, left, top, width, height }) => (
          <div
            key={display.id}
            className={`display-box${display.primary ? ' primary' : ''}`}
            style={{ left, top, width, height }}
            data-testid="display"
            data-display={display.id}
            title={`${display.label ?? ''} ${display.bounds.width}×${display.bounds.height}`}
          >
            <span className="display-name">
              {display.label ?? `${t('settings.screen')} ${display.id + 1}`}
              {display.primary && answer?.source === 'os' ? ` · ${t('settings.primary')}` : ''}
            </span>
            {display.screens.map(({ index, displaced }) => {
              const screen = draft.screens[index];
              return screen ? (
                <span key={index} className={`display-role${displaced ? ' displaced' : ''}`} data-screen={index} data-role={screen.role} title={displaced ? t('settings.displaced') : undefined}>
                  {index + 1}. {t(`role.${screen.role}`)}
                  {screen.fullscreen ? ' ⛶' : ''}
                </span>
              ) : null;
            })}
            {answer?.source === 'os' && display.screens.length === 0 && (
              <button type="button" className="display-add" title={t('settings.addScreen')} onClick={() => add(display.id)}>
                +
              </button>
            )}
          </div>
        ))}
      </div>
      <table className="screens-table">
        <thead>
          <tr>
            <th>{t('settings.screen')}</th>
            <th>{t('settings.role')}</th>
            <th>{t('settings.fullscreen')}</th>
            {answer?.source === 'configured' && <th>{t('settings.kioskUrl')}</th>}
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.screens.map((screen, index) => {
            const placed = displayOf(index)?.screens.find((entry) => entry.index === index);
            return (
              <tr key={index} data-testid={`screen-${index}`}>
                <td>
                  {index + 1}
                  {placed?.displaced && <span className="manual-note"> {t('settings.displaced')}</span>}
                </td>
                <td>
                  <select value={screen.role} data-testid={`screen-role-${index}`} aria-label={t('settings.role')} onChange={(event) => edit(index, { role: event.target.value as Role })}>
                    {roles.map((role) => (
                      <option key={role} value={role}>
                        {t(`role.${role}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    type="checkbox"
                    checked={screen.fullscreen}
                    data-testid={`screen-fullscreen-${index}`}
                    aria-label={t('settings.fullscreen')}
                    onChange={(event) => edit(index, { fullscreen: event.target.checked })}
                  />
                </td>
                {answer?.source === 'configured' && (
                  <td>
                    <code>{kioskUrl(screen, index)}</code>
                  </td>
                )}
                <td>
                  <button type="button" disabled={draft.screens.length <= 1} onClick={() => remove(index)}>
                    {t('settings.removeScreen')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="settings-actions">
        {answer?.source === 'configured' && (
          <button type="button" onClick={() => add(null)} disabled={draft.screens.length >= 16}>
            {t('settings.addScreenWeb')}
          </button>
        )}
        <button type="button" data-testid="wall-save" disabled={!dirty} onClick={save}>
          {t('settings.save')}
        </button>
        {dirty && !status && <span className="muted">{t('settings.unsaved')}</span>}
        {status?.ok === true && <span data-testid="wall-saved">{t('settings.saved')}</span>}
        {status?.ok === false && (
          <span className="manual-note" role="alert" data-testid="wall-error">
            {t('settings.saveFailed')}: {status.message}
          </span>
        )}
      </div>
    </section>
  );
}

const fieldLabels: Record<string, PlainMessageKey> = {
  id: 'settings.scene.id',
  'name.zh': 'settings.scene.nameZh',
  'name.en': 'settings.scene.nameEn',
  'map.view.center': 'settings.scene.center',
  'map.view.zoom': 'settings.scene.zoom',
  'map.layers': 'settings.scene.layers',
  'video.source.group.siteTypes': 'settings.scene.siteTypes',
  'video.source.group.grades': 'settings.scene.grades',
};

function SceneEditor() {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const [scenes, setScenes] = useState<SceneEntry[]>([]);
  const [selected, setSelected] = useState<string>('');
  const [form, setForm] = useState<SceneForm>(blankSceneForm);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [status, setStatus] = useState<{ ok: true } | { ok: false; message: string } | null>(null);

  const load = useCallback(() => {
    callHost(model.host.bridge, 'scenes.list', {}).then(setScenes, (error: Error) => setStatus({ ok: false, message: error.message }));
  }, [model]);
  useEffect(load, [load]);

  const choose = (sceneId: string) => {
    setSelected(sceneId);
    setProblems([]);
    setStatus(null);
    const entry = scenes.find((candidate) => candidate.scene.id === sceneId);
    setForm(entry ? formOf(entry.scene) : blankSceneForm);
  };
  const change = (patch: Partial<SceneForm>) => {
    setStatus(null);
    setForm((current) => ({ ...current, ...patch }));
  };
  const save = () => {
    const result = sceneOf(form);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    callHost(model.host.bridge, 'scenes.save', { scene: result.scene }).then(
      (entry) => {
        setStatus({ ok: true });
        setSelected(entry.scene.id);
        load();
      },
      (error: Error) => {
        if (error instanceof ApiCallError && error.error.issues) setProblems(error.error.issues.map((issue) => ({ path: issue.path.replace(/^scene\./, ''), message: issue.message })));
        setStatus({ ok: false, message: error.message });
      },
    );
  };
  const text = (value: { zh: string; en: string }) => (language === 'zh-CN' ? value.zh : value.en);
  const editingBuiltin = scenes.find((entry) => entry.scene.id === selected)?.builtin ?? false;
  const toggle = <T,>(list: readonly T[], item: T, on: boolean): T[] => (on ? [...list, item] : list.filter((entry) => entry !== item));

  return (
    <section className="settings-section" aria-labelledby="settings-scenes">
      <h3 id="settings-scenes">{t('settings.scenes')}</h3>
      <div className="scene-form" data-testid="scene-form">
        <label>
          {t('settings.scenes')}
          <select value={selected} data-testid="scene-edit-select" onChange={(event) => choose(event.target.value)}>
            <option value="">{t('settings.scene.new')}</option>
            {scenes.map((entry) => (
              <option key={entry.scene.id} value={entry.scene.id}>
                {text(entry.scene.name)}
                {entry.builtin ? ` (${t('settings.scene.builtin')})` : ''}
              </option>
            ))}
          </select>
        </label>
        {selected === EMERGENCY_SCENE_ID && <p className="muted">{t('settings.scene.emergencyNote')}</p>}
        <label>
          {t('settings.scene.id')}
          <input value={form.id} data-testid="scene-id" readOnly={selected !== ''} onChange={(event) => change({ id: event.target.value })} />
        </label>
        <label>
          {t('settings.scene.nameZh')}
          <input value={form.nameZh} data-testid="scene-name-zh" onChange={(event) => change({ nameZh: event.target.value })} />
        </label>
        <label>
          {t('settings.scene.nameEn')}
          <input value={form.nameEn} data-testid="scene-name-en" onChange={(event) => change({ nameEn: event.target.value })} />
        </label>
        <label>
          {t('settings.scene.center')}
          <input value={form.center} data-testid="scene-center" onChange={(event) => change({ center: event.target.value })} />
        </label>
        <label>
          {t('settings.scene.zoom')}
          <input value={form.zoom} data-testid="scene-zoom" inputMode="decimal" onChange={(event) => change({ zoom: event.target.value })} />
        </label>
        <label className="wide">
          {t('settings.scene.layers')}
          <input value={form.layers} data-testid="scene-layers" onChange={(event) => change({ layers: event.target.value })} />
        </label>
        <label>
          {t('settings.scene.layoutSize')}
          <select value={form.layoutSize} data-testid="scene-layout" onChange={(event) => change({ layoutSize: Number(event.target.value) as SceneForm['layoutSize'] })}>
            {videoLayoutSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('settings.scene.videoSource')}
          <select value={form.source} data-testid="scene-source" onChange={(event) => change({ source: event.target.value as SceneForm['source'] })}>
            <option value="nearest-to-focus">{t('settings.scene.nearest')}</option>
            <option value="camera-group">{t('settings.scene.group')}</option>
          </select>
        </label>
        {form.source === 'camera-group' && (
          <>
            <fieldset className="wide">
              <legend>{t('settings.scene.siteTypes')}</legend>
              {RiskSiteTypeSchema.options.map((type) => (
                <label key={type} className="check">
                  <input type="checkbox" checked={form.siteTypes.includes(type)} onChange={(event) => change({ siteTypes: toggle(form.siteTypes, type, event.target.checked) })} />
                  {t(`siteType.${type}`)}
                </label>
              ))}
            </fieldset>
            <fieldset className="wide">
              <legend>{t('settings.scene.grades')}</legend>
              {riskGrades.map((grade) => (
                <label key={grade} className="check">
                  <input type="checkbox" checked={form.grades.includes(grade)} onChange={(event) => change({ grades: toggle(form.grades, grade, event.target.checked) })} />
                  {t(`grade.${grade}`)}
                </label>
              ))}
            </fieldset>
          </>
        )}
        <label>
          {t('settings.scene.dispatchPanel')}
          <select value={form.dispatchPanel} data-testid="scene-dispatch-panel" onChange={(event) => change({ dispatchPanel: event.target.value as SceneForm['dispatchPanel'] })}>
            {dispatchPanels.map((panel) => (
              <option key={panel} value={panel}>
                {t(panel === 'crews' ? 'dispatch.directory' : panel === 'incidents' ? 'dispatch.incidents' : 'dispatch.panel.run')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('settings.scene.plansPanel')}
          <select value={form.plansPanel} data-testid="scene-plans-panel" onChange={(event) => change({ plansPanel: event.target.value as SceneForm['plansPanel'] })}>
            {plansPanels.map((panel) => (
              <option key={panel} value={panel}>
                {t(`plans.panel.${panel}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {problems.length > 0 && (
        <div className="plan-problems" role="alert" data-testid="scene-problems">
          <h4>{t('settings.scene.problems')}</h4>
          <ul>
            {problems.map((problem) => (
              <li key={`${problem.path}:${problem.message}`} data-path={problem.path}>
                {fieldLabels[problem.path] ? t(fieldLabels[problem.path] as PlainMessageKey) : problem.path}: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="settings-actions">
        <button type="button" data-testid="scene-save" onClick={save}>
          {t('settings.scene.save')}
          {editingBuiltin ? ` (${t('settings.scene.builtin')})` : ''}
        </button>
        {status?.ok === true && <span data-testid="scene-saved">{t('settings.scene.saved')}</span>}
        {status?.ok === false && (
          <span className="manual-note" role="alert">
            {t('settings.saveFailed')}: {status.message}
          </span>
        )}
      </div>
    </section>
  );
}
