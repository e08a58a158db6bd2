import type { Language } from '../../shared/domain/settings.js';
import { aboutMessages } from '../features/about/messages.js';
import { connectionMessages } from '../features/connection/messages.js';
import { crewMessages } from '../features/crew/messages.js';
import { dispatchMessages } from '../features/dispatch/messages.js';
import { focusMessages } from '../features/focus/messages.js';
import { ingestMessages } from '../features/ingest/messages.js';
import { intentMessages } from '../features/intent/messages.js';
import { mapMessages } from '../features/map/messages.js';
import { noticesMessages } from '../features/notices/messages.js';
import { overviewMessages } from '../features/overview/messages.js';
import { plansMessages } from '../features/plans/messages.js';
import { secureContextMessages } from '../features/secure-context/messages.js';
import { sessionMessages } from '../features/session/messages.js';
import { settingsMessages } from '../features/settings/messages.js';
import { shellMessages } from '../features/shell/messages.js';
import { tourMessages } from '../features/tour/messages.js';
import { videoMessages } from '../features/video/messages.js';
import { wallMessages } from '../features/wall/messages.js';
import { sharedMessages } from '../ui/messages.js';
import { formatMessage, type MessageParams, type ParamsArgument, type PlaceholdersOf } from './define-messages.js';

/** Each feature's table; a key belongs to exactly one of them (the catalogue test checks it). */
export const messageTables = {
  sharedMessages,
  aboutMessages,
  connectionMessages,
  crewMessages,
  dispatchMessages,
  focusMessages,
  ingestMessages,
  intentMessages,
  mapMessages,
  noticesMessages,
  overviewMessages,
  plansMessages,
  secureContextMessages,
  sessionMessages,
  settingsMessages,
  shellMessages,
  tourMessages,
  videoMessages,
  wallMessages,
};

const catalogue = Object.assign({}, ...Object.values(messageTables)) as Catalogue;

type Catalogue = typeof sharedMessages &
  typeof aboutMessages &
  typeof connectionMessages &
  typeof crewMessages &
  typeof dispatchMessages &
  typeof focusMessages &
  typeof ingestMessages &
  typeof intentMessages &
  typeof mapMessages &
  typeof noticesMessages &
  typeof overviewMessages &
  typeof plansMessages &
  typeof secureContextMessages &
  typeof sessionMessages &
  typeof settingsMessages &
  typeof shellMessages &
  typeof tourMessages &
  typeof videoMessages &
  typeof wallMessages;

export type MessageKey = keyof Catalogue;

/** Keys whose text takes no parameters: what a table of labels may hold and call `t(key)` on. */
export type PlainMessageKey = { [K in MessageKey]: [PlaceholdersOf<Catalogue[K]>] extends [never] ? K : never }[MessageKey];

/** The text of `key` in `language`; a key's parameters are required exactly when its text has them. */
export function translate<K extends MessageKey>(language: Language, key: K, ...params: ParamsArgument<Catalogue[K]>): string {
  return formatMessage(language, catalogue[key][language], params[0] as MessageParams | undefined);
}

export type Translate = <K extends MessageKey>(key: K, ...params: ParamsArgument<Catalogue[K]>) => string;
