// Bringing the device's copy of the forms up to date, with the definition
// revisions that its reports use.

import * as session from './session.js';
import * as catalog from './catalog.js';
import * as reports from './reports.js';
import { NetworkError } from './api.js';

let inFlight = null;

/** Resolves to null when done, 'offline', or the server's error code. */
export function refreshCatalog() {
  if (inFlight) return inFlight;
  inFlight = (async () => {
    const me = session.user();
    if (!me || !session.current() || !navigator.onLine) return 'offline';
    const needed = (await reports.listFor(me.login)).map((r) => [r.definitionId, r.definitionRevision]);
    try {
      return await catalog.refresh(needed);
    } catch (e) {
      if (e instanceof NetworkError) return 'offline';
      throw e;
    }
  })().finally(() => { inFlight = null; });
  return inFlight;
}
