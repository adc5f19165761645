// Opens a campaign's lift report page in headless Chromium the way a person does: the page sends an
// unknown visitor to sign in, they paste their API key (MA_API_KEY) into the form, and land back on
// the report. Then it checks what a campaign owner sees: the headline lift, the per-channel lift
// chart (interval lines and estimate dots actually laid out) and the budget pacing chart.
// Usage: MA_API_KEY=... node report-page.mjs <url> [--expect-positive-lift]
// Exits 0 when every check holds, 1 otherwise (printing what failed).
import { chromium } from 'playwright-core';

const [url, ...flags] = process.argv.slice(2);
if (!url) {
  console.error('usage: node report-page.mjs <url> [--expect-positive-lift]');
  process.exit(2);
}
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', r => requests.push(r.url()));
  // Not signed in: the report sends the browser to the sign-in form, which brings it back.
  await page.goto(url, { waitUntil: 'load' });
  check(new URL(page.url()).pathname === '/signin', `unsigned visit landed on ${page.url()}, not the sign-in form`);
  await page.fill('#apiKey', process.env.MA_API_KEY ?? '');
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#sign-in')]);
  check(response?.status() === 200, `status ${response?.status()} after signing in`);
  check(page.url() === url, `signed in, landed on ${page.url()} instead of ${url}`);
  const session = (await context.cookies()).find(c => c.name === 'ma_session');
  check(session?.httpOnly === true && session?.sameSite === 'Strict', `session cookie ${JSON.stringify(session)}`);
  check(requests.every(r => r.startsWith(new URL(url).origin)), `page fetched other origins: ${requests.join(', ')}`);

  const headline = (await page.textContent('#absolute-lift'))?.trim() ?? '';
  check(/^[+-]?\d+\.\d{2} pp$/.test(headline), `headline absolute lift "${headline}"`);

  const rows = await page.$$eval('#lift-chart .lift-row', gs => gs.map(g => {
    const line = g.querySelector('line.interval').getBoundingClientRect();
    const dot = g.querySelector('circle.estimate').getBoundingClientRect();
    return {
      scope: g.dataset.scope,
      estimate: Number(g.dataset.estimate), lower: Number(g.dataset.lower), upper: Number(g.dataset.upper),
      lineWidth: line.width, dotX: dot.x + dot.width / 2, lineLeft: line.left, lineRight: line.right,
      label: g.querySelector('text.value').textContent,
    };
  }));
  check(rows.length >= 2, `lift chart rows: ${rows.length} (want overall + at least one channel)`);
  check(rows[0]?.scope === 'all', 'first lift row is the overall lift');
  for (const r of rows) {
    check([r.estimate, r.lower, r.upper].every(Number.isFinite), `${r.scope}: non-finite numbers`);
    check(r.lower <= r.estimate && r.estimate <= r.upper, `${r.scope}: interval does not contain estimate`);
    check(r.lineWidth > 0 || r.upper === r.lower, `${r.scope}: interval line not drawn`);
    check(r.dotX >= r.lineLeft - 1 && r.dotX <= r.lineRight + 1, `${r.scope}: dot outside its interval line`);
    check(/pp$/.test(r.label), `${r.scope}: value label "${r.label}"`);
  }
  if (flags.includes('--expect-positive-lift')) check(rows[0]?.lower > 0, `overall lift interval not above zero: ${rows[0]?.lower}`);

  const pacing = await page.$$eval('#pacing-chart circle.spend-point', cs => cs.map(c => Number(c.dataset.spend)));
  check(pacing.length >= 1 && pacing.every(Number.isFinite), `pacing points: ${JSON.stringify(pacing)}`);
  check(await page.$('#pacing-chart line.budget') !== null, 'budget line missing');

  console.log(JSON.stringify({ url, headline, rows: rows.map(r => ({ scope: r.scope, estimate: r.estimate, lower: r.lower, upper: r.upper })), pacing }));
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error('report page checks failed:\n- ' + failures.join('\n- '));
  process.exit(1);
}
