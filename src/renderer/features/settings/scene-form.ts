import type { RiskSiteType } from '../../../shared/city/schemas.js';
import type { RiskGrade } from '../../../shared/domain/feed.js';
import { SceneSchema, type DispatchPanel, type PlansPanel, type Scene, type VideoLayoutSize } from '../../../shared/wall/scenes.js';

/** A scene as the settings form edits it: text where the operator types, choices where they pick. */
export interface SceneForm {
  id: string;
  nameZh: string;
  nameEn: string;
  center: string;
  zoom: string;
  layers: string;
  layoutSize: VideoLayoutSize;
  source: 'nearest-to-focus' | 'camera-group';
  siteTypes: RiskSiteType[];
  grades: RiskGrade[];
  dispatchPanel: DispatchPanel;
  plansPanel: PlansPanel;
}

export function formOf(scene: Scene): SceneForm {
  const group = scene.video.source.kind === 'camera-group' ? scene.video.source.group : null;
  return {
    id: scene.id,
    nameZh: scene.name.zh,
    nameEn: scene.name.en,
    center: scene.map.view.center.join(','),
    zoom: String(scene.map.view.zoom),
    layers: scene.map.layers.join(', '),
    layoutSize: scene.video.layoutSize,
    source: scene.video.source.kind,
    siteTypes: group?.siteTypes ?? [],
    grades: group?.grades ?? [],
    dispatchPanel: scene.dispatch.panel,
    plansPanel: scene.plans.panel,
  };
}

export const blankSceneForm: SceneForm = {
  id: '',
  nameZh: '',
  nameEn: '',
  center: '106.55,29.56',
  zoom: '11',
  layers: 'districts, rivers, incidents',
  layoutSize: 4,
  source: 'nearest-to-focus',
  siteTypes: [],
  grades: [],
  dispatchPanel: 'incidents',
  plansPanel: 'incidents',
};

export interface FormProblem {
  /** The scene field, as the host would name it ("map.view.center"). */
  path: string;
  message: string;
}

/** The scene the form describes, or every problem with it (checked with the same schema the host checks with). */
export function sceneOf(form: SceneForm): { ok: true; scene: Scene } | { ok: false; problems: FormProblem[] } {
  const centre = form.center.split(/[,，\s]+/).filter((part) => part !== '').map(Number);
  const zoom = form.zoom.trim() === '' ? Number.NaN : Number(form.zoom);
  const candidate = {
    id: form.id.trim(),
    name: { zh: form.nameZh, en: form.nameEn },
    map: {
      view: { center: centre, zoom },
      layers: form.layers.split(/[,，]/).map((layer) => layer.trim()).filter((layer) => layer !== ''),
    },
    video: {
      layoutSize: form.layoutSize,
      source: form.source === 'nearest-to-focus' ? { kind: 'nearest-to-focus' } : { kind: 'camera-group', group: { siteTypes: form.siteTypes, grades: form.grades } },
    },
    dispatch: { panel: form.dispatchPanel },
    plans: { panel: form.plansPanel },
  };
  const parsed = SceneSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, scene: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) };
}
