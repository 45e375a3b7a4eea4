/**
 * The Node.js releases Laurel runs on, checked by bin/laurel.js before anything else loads, so an
 * old Node fails with one line instead of a syntax error deep inside a dependency. The floors
 * are the dependencies': vite 8 needs 20.19 or 22.12 (`npm install` builds the dashboard with
 * it), undici 7 needs 20.18.1. Node 21 and 23 are short-lived odd releases, past their end of life.
 * Every package.json's `engines.node` says the same (a test keeps them in step).
 */
export const SUPPORTED_NODE_RANGE = '^20.19.0 || ^22.12.0 || >=24';

/** Each supported line's lowest version; from the last one up, every later major is accepted. */
const FLOORS: ReadonlyArray<readonly [major: number, minor: number]> = [
  [20, 19],
  [22, 12],
  [24, 0],
];

/** undefined when `version` (as in process.versions.node, e.g. "22.12.0") is supported; otherwise the one line to print. */
export function unsupportedNodeMessage(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const newest = FLOORS[FLOORS.length - 1]!;
  const supported = major >= newest[0] || FLOORS.some(([floorMajor, floorMinor]) => major === floorMajor && minor >= floorMinor);
  if (supported) return undefined;
  return `Laurel needs Node.js 20.19+, 22.12+ or 24+, and this is Node.js v${version}: install an LTS release from https://nodejs.org and try again.`;
}
