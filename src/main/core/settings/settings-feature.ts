import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import type { Settings, SettingsPatch } from '../../../shared/domain/settings.js';
import type { CoreContext, CoreFeature } from '../core-context.js';

export interface SettingsFeature extends CoreFeature<'settings.get' | 'settings.update'> {
  /** Changes settings for every window (the host's own changes, such as a wall window moved by hand, come here too). */
  update(patch: SettingsPatch): Settings;
}

export function settingsFeature(ctx: CoreContext): SettingsFeature {
  const update = (patch: SettingsPatch): Settings => {
    const next = ctx.settings.update(patch, ctx.clock.now());
    ctx.hub.emit('settings.changed', next);
    return next;
  };
  return {
    update,
    handlers: {
      'settings.get': () => ctx.settings.read(),
      'settings.update': (patch, caller) => {
        // Language and theme are each operator's to choose; the rest (the wall, the drill roster, quotas) the administrator's.
        const personal = Object.keys(patch).every((key) => key === 'language' || key === 'theme');
        if (!personal && !(caller.principal.kind === 'user' && caller.principal.roles.includes('administrator'))) {
          throw new ApiFailure(apiError('forbidden', 'Only an administrator changes the wall, the drill roster and quotas.'));
        }
        ctx.audit(caller, 'settings changed', { patch, clientId: caller.clientId });
        return update(patch);
      },
    },
  };
}
