import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasAccounts } from './console/accounts.js';
import type { Laurel } from './laurel.js';

/** What someone who just ran `npm start` needs next, read once the API listens. */
export interface StartFacts {
  /** The URL the API listens on, as app.listen answered. */
  url: string;
  dashboardBuilt: boolean;
  ownerExists: boolean;
  /** Whether creating the owner needs LAUREL_SETUP_TOKEN, and whether the server has one. */
  setupToken: 'not needed' | 'set' | 'missing';
}

export function startBanner({ url, dashboardBuilt, ownerExists, setupToken }: StartFacts): string[] {
  // Bound to every IPv6 address: the URL Fastify answers ([::]) is not one a browser opens.
  const base = url.replace('//[::]', '//localhost');
  const dashboard = `${base}/`;
  const lines = [dashboardBuilt ? `Dashboard: ${dashboard}` : `Dashboard not built (npm run build makes it); the API is at ${base}`];
  if (ownerExists) lines.push(`Owner account exists: sign in at ${dashboard}`);
  else if (setupToken === 'missing') lines.push(`No owner account yet: in production mode it needs a set-up token, so restart with LAUREL_SETUP_TOKEN set (16+ characters) and open ${dashboard}`);
  else lines.push(`No owner account yet: open ${dashboard} to create it${setupToken === 'set' ? ' (it asks for LAUREL_SETUP_TOKEN)' : ''}`);
  return lines;
}

export async function readStartFacts(laurel: Laurel, url: string): Promise<StartFacts> {
  const { config } = laurel;
  const tokenNeeded = config.setupToken !== undefined || config.mode === 'production';
  return {
    url,
    dashboardBuilt: existsSync(join(config.dashboardDir, 'index.html')),
    ownerExists: await hasAccounts(laurel.backend.db),
    setupToken: !tokenNeeded ? 'not needed' : config.setupToken !== undefined ? 'set' : 'missing',
  };
}
