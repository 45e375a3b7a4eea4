/**
 * How fast the dashboard becomes usable: a fresh browser context (empty cache) opens the sign-in page,
 * and the clock stops when its form can be typed into; then the same for the webhooks page of a signed-in
 * owner. The peer measured in the same run is the floor: the same browser loading a one-line HTML page
 * from the same server. Usage: npm run bench:dashboard [-- --runs 15]
 */
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { launchBrowser } from '../test/e2e/support/browser.js';
import { startLaurel } from '../test/e2e/support/laurel-process.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);

const laurel = await startLaurel();
const browser = await launchBrowser();
try {
  const owner = { email: 'bench@example.com', password: 'correct horse battery' };
  const setup = await fetch(`${laurel.url}/console/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) });
  if (!setup.ok) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const cookie = setup.headers.get('set-cookie')!.split(';')[0]!.split('=');

  const floor = await measure(async (page) => {
    await page.goto(`${laurel.url}/healthz`);
  });
  const signIn = await measure(async (page) => {
    await page.goto(`${laurel.url}/login`);
    await page.getByLabel('Email').waitFor();
  });
  const webhooks = await measure(async (page) => {
    await page.context().addCookies([{ name: cookie[0]!, value: cookie[1]!, url: laurel.url }]);
    await page.goto(`${laurel.url}/env/development/webhooks`);
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  });

  const row = (name: string, samples: number[]) =>
    `| ${name} | ${percentile(samples, 0.5).toFixed(0)} | ${percentile(samples, 0.95).toFixed(0)} | ${(percentile(samples, 0.5) / percentile(floor, 0.5)).toFixed(1)}× |`;
  console.log(`\n${runs} cold loads each (new browser context, empty cache), ms:\n`);
  console.log('| page | p50 | p95 | vs. floor (p50) |\n|---|---:|---:|---:|');
  console.log(row('floor: /healthz (one line of JSON)', floor));
  console.log(row('sign-in form ready', signIn));
  console.log(row('webhooks page ready (signed in)', webhooks));
  console.log('\nBuilt assets (gzip):');
  const assets = fileURLToPath(new URL('../dist/assets', import.meta.url));
  for (const name of readdirSync(assets).filter((n) => /\.(js|css)$/.test(n)).sort((a, b) => statSync(`${assets}/${b}`).size - statSync(`${assets}/${a}`).size).slice(0, 8)) {
    console.log(`  ${name.padEnd(40)} ${(gzipSync(readFileSync(`${assets}/${name}`)).length / 1024).toFixed(1)} KiB`);
  }
} finally {
  await browser.close();
  await laurel.stop();
}

async function measure(load: (page: import('playwright-core').Page) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = performance.now();
    await load(page);
    samples.push(performance.now() - started);
    await context.close();
  }
  return samples;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
