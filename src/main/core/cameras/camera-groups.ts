import type { RiskSite } from '../../../shared/city/index.js';
import { riskGrades } from '../../../shared/domain/feed.js';
import type { GroupCamera } from '../../../shared/domain/shared-state.js';
import type { CatalogueCamera } from '../../../shared/media/cameras.js';
import type { CameraGroup } from '../../../shared/wall/scenes.js';
import type { CityFiles } from '../city/index.js';

/**
 * The cameras of a scene's camera group: catalogue cameras placed at risk sites of the group's types and grades, the
 * most serious sites first (red before blue), then in the order the group lists the types.
 */
export class CameraGroups {
  private sites: Map<string, RiskSite> | null = null;

  constructor(private readonly city: Pick<CityFiles, 'riskSites'>) {}

  camerasOf(cameras: readonly CatalogueCamera[], group: CameraGroup, count: number): GroupCamera[] {
    const grades = new Set(group.grades.length > 0 ? group.grades : riskGrades);
    const typeOrder = new Map(group.siteTypes.map((type, index) => [type, index]));
    return this.atSites(cameras)
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

  private atSites(cameras: readonly CatalogueCamera[]): { camera: CatalogueCamera; site: RiskSite }[] {
    this.sites ??= new Map(this.city.riskSites().map((site) => [site.id, site]));
    const sites = this.sites;
    return cameras.flatMap((camera) => {
      const site = camera.siteId === null ? undefined : sites.get(camera.siteId);
      return site ? [{ camera, site }] : [];
    });
  }
}
