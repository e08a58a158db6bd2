import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { CamerasFileSchema, RiskSitesFileSchema, type Camera, type RiskSite } from '../../../shared/city/index.js';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { riskGrades } from '../../../shared/domain/feed.js';
import type { GroupCamera } from '../../../shared/domain/shared-state.js';
import type { CameraGroup } from '../../../shared/wall/scenes.js';
import type { Logger } from '../../../node/logger.js';

/**
 * The cameras of a scene's camera group: catalogue cameras placed at risk sites of the group's types and grades, the
 * most serious sites first (red before blue), then in the order the group lists the types. Reads the city build once.
 */
export class CameraGroups {
  private catalogue: { camera: Camera; site: RiskSite }[] | null = null;

  constructor(
    private readonly cityDir: string,
    private readonly logger: Logger,
  ) {}

  camerasOf(group: CameraGroup, count: number): GroupCamera[] {
    const grades = new Set(group.grades.length > 0 ? group.grades : riskGrades);
    const typeOrder = new Map(group.siteTypes.map((type, index) => [type, index]));
    return this.load()
      .filter(({ site }) => typeOrder.has(site.type) && grades.has(site.grade))
      .sort(
        (a, b) =>
          riskGrades.indexOf(a.site.grade) - riskGrades.indexOf(b.site.grade) ||
          (typeOrder.get(a.site.type) ?? 0) - (typeOrder.get(b.site.type) ?? 0) ||
          a.camera.id.localeCompare(b.camera.id),
      )
      .slice(0, count)
      .map(({ camera, site }) => ({ id: camera.id, code: camera.code, name: camera.name, position: camera.position, ptz: camera.ptz, siteName: site.name, siteGrade: site.grade }));
  }

  private load(): { camera: Camera; site: RiskSite }[] {
    if (this.catalogue) return this.catalogue;
    const sites = new Map(this.read('risk-sites.json', RiskSitesFileSchema).sites.map((site) => [site.id, site]));
    this.catalogue = this.read('cameras.json', CamerasFileSchema).cameras.flatMap((camera) => {
      const site = camera.siteId === null ? undefined : sites.get(camera.siteId);
      return site ? [{ camera, site }] : [];
    });
    return this.catalogue;
  }

  private read<T>(file: string, schema: z.ZodType<T>): T {
    const path = join(this.cityDir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      this.logger.warn('city file unreadable', { path, error });
      throw new ApiFailure(apiError('unavailable', `The city data file ${path} is missing or unreadable: run \`npm run build:data\`.`));
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn('city file does not match its schema', { path, issues: parsed.error.issues.slice(0, 5) });
      throw new ApiFailure(apiError('unavailable', `The city data file ${path} has an unexpected format: run \`npm run build:data\`.`));
    }
    return parsed.data;
  }
}
