import { z } from 'zod';
import { WallConfigSchema, defaultWallConfig } from '../wall/wall-config.js';

export const languages = ['zh-CN', 'en'] as const;
export const LanguageSchema = z.enum(languages);
export type Language = z.infer<typeof LanguageSchema>;

export const themes = ['wall-dark', 'console-light'] as const;
export const ThemeSchema = z.enum(themes);
export type Theme = z.infer<typeof ThemeSchema>;

/** Console-wide preferences, stored by the host and shared by every window. */
export const SettingsSchema = z.object({
  language: LanguageSchema,
  theme: ThemeSchema,
  /** Which display shows which role (used by the Electron host; browsers open the role URLs themselves). */
  wall: WallConfigSchema,
  /** The crews a drill may really call (演练名单); a drill's call steps ring no one else. */
  drillRoster: z.array(z.string().regex(/^CR\d{4}$/)).max(500),
  /**
   * The most the console's camera stills may take (MiB): beyond it the oldest go first, never one of an open incident.
   */
  stillsQuotaMb: z.number().int().min(16).max(1_048_576),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const defaultSettings: Settings = { language: 'zh-CN', theme: 'wall-dark', wall: defaultWallConfig, drillRoster: [], stillsQuotaMb: 2048 };

export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
