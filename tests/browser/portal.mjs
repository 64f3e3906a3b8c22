// The portal in a real browser: headless Debian Chromium driven by
// playwright-core, with axe-core for accessibility.
//
// What it is: the checks a person would make by hand — every page passes
// axe-core without serious or critical violations in all six languages
// (ar, zh, en, fr, ru, es), with a screenshot of each; what a reader of
// Arabic, Chinese and Russian sees is in that language (member states' and
// the body's names, dates and deadlines, the Code's text and its
// unofficial-rendering notice); the language switcher and its cookie,
// keyboard use (skip link, visible focus), a delegate signing in on /desk
// with a demo key and casting a vote that then shows on the proposal's
// page, the entry's inclusion proof checked in the browser (and the witness
// quorum it requires (the demo's five witnesses make it); `quorum none` is only "unwitnessed", saying no witness cosigns; a
// policy naming a witness that did not cosign is refused, and passes once
// the checkpoint carries that witness's cosignature), /witnesses (axe in
// six languages, a phone's width, keyboard), the desk over
// plain HTTP by a name that is not loopback (it says it needs HTTPS) and
// over HTTPS (it signs in, with a Secure session cookie), the pages that
// must work without JavaScript, and full-page screenshots for a person to
// look at.
// What it is not: a unit test of the pages (crates/accord/tests/e2e/portal_*
// fetch them over HTTP) and not a test runner framework: a small sequential
// runner below, one line per check, a closing "N passed, N failed" line, and
// exit status 1 when any check failed.
//
// Run by crates/accord/tests/e2e/browser.rs against `accord demo`:
//   node tests/browser/portal.mjs --url http://127.0.0.1:PORT \
//     --demo-dir <accord demo --dir> --screenshots target/browser-screenshots \
//     [--tls-url https://127.0.0.1:TLSPORT --tls-cert FILE] \
//     [--only <substring of check names>]
// --tls-url: `accord serve --tls-cert FILE --tls-key KEY` on a copy of the
// same demo body (so the demo keys of --demo-dir sign in there too);
// --tls-cert: its PEM certificate, whose subject names accord.test. The
// browser reaches both nodes as accord.test (Chromium's host resolver maps
// the name to 127.0.0.1): a name that is not loopback, so plain http is no
// secure context there. Without --tls-url the HTTPS checks are not run (a
// line says so).
// Env: CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { X509Certificate, createHash, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryVerdict } from './verdict.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const LOCALES = join(HERE, '../../crates/accord-portal/locales');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    'demo-dir': { type: 'string' },
    screenshots: { type: 'string' },
    only: { type: 'string' },
    'tls-url': { type: 'string' },
    'tls-cert': { type: 'string' },
  },
});
if (!opt.url || !opt['demo-dir'] || !opt.screenshots) {
  console.error('usage: node portal.mjs --url URL --demo-dir DIR --screenshots DIR [--tls-url URL --tls-cert FILE] [--only NAME]');
  process.exit(2);
}
if (!opt['tls-url'] !== !opt['tls-cert']) {
  console.error('--tls-url and --tls-cert go together');
  process.exit(2);
}
const BASE = opt.url.replace(/\/$/, '');
const DEMO = opt['demo-dir'];
const SHOTS = opt.screenshots;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PROPOSAL = 'capacity-fund-2027';

/** Pages every check walks: path and a short name for screenshots. */
const PAGES = [
  ['/', 'home'],
  ['/proposals', 'proposals'],
  [`/proposals/${PROPOSAL}`, 'proposal'],
  ['/desk', 'desk'],
  ['/entries/1', 'entry'],
  ['/code', 'code'],
  ['/code/ICCIS', 'code-iccis'],
  ['/code/ICCIS/versions/2', 'code-iccis-v2'],
  ['/code/ICCIS/diff?from=1&to=2', 'code-iccis-diff'],
  ['/members', 'members'],
  ['/members/FRA', 'member-fra'],
  ['/log', 'log'],
  // The witness policy, the witnesses and the recent checkpoints.
  ['/witnesses', 'witnesses'],
  // Says whether there is a registry yet; with one, the TLDs too.
  ['/registry', 'registry'],
];
// One TLD's page, when the body has a root zone registry (the demo will
// import one; until then the page is not there to check). A signed TLD if
// there is one: its DS records are the longest lines of the page.
{
  const zone = await fetch(`${BASE}/api/v1/zone`).then((r) => r.json()).catch(() => null);
  if (zone && zone.registry) {
    const { delegations } = await (await fetch(`${BASE}/api/v1/zone/delegations`)).json();
    const tld = (delegations.find((d) => (d.delegation.ds || []).length) || delegations[0])?.tld;
    if (tld) PAGES.push([`/registry/${tld}`, 'registry-tld']);
  } else {
    console.log('note: no root zone registry in this body: /registry says so, and no TLD page is checked');
  }
}
/** The interface's six languages, in the UN's order. */
const LANGS = ['ar', 'zh', 'en', 'fr', 'ru', 'es'];

// ---------------------------------------------------------------- runner

const results = [];
/** Facts one check leaves for a later one (e.g. the vote's log index). */
const state = {};

/** Remarks of the running check that do not fail it, printed after it. */
let notes = [];
function note(text) {
  notes.push(text);
}

class Failure extends Error {}
function fail(msg) {
  throw new Failure(msg);
}
function assert(cond, msg) {
  if (!cond) fail(msg);
}

async function check(name, fn, { needs = [], timeout = 45_000 } = {}) {
  if (opt.only && !name.includes(opt.only)) return;
  const missing = needs.filter((n) => !state[n]);
  if (missing.length) {
    record(name, false, `not run: needs ${missing.join(', ')} from an earlier check that failed`);
    return;
  }
  let timer;
  const t0 = Date.now();
  const took = () => ` (${((Date.now() - t0) / 1000).toFixed(1)}s)`;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Failure(`timed out after ${timeout / 1000}s`)), timeout);
      }),
    ]);
    record(name + took(), true);
  } catch (e) {
    record(name + took(), false, e instanceof Failure ? e.message : (e && e.stack) || String(e));
  } finally {
    clearTimeout(timer);
  }
}

function record(name, ok, why = '') {
  results.push({ name, ok, why });
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}`);
  if (!ok) console.log(indent(why));
  for (const n of notes) console.log(indent(`note: ${n}`));
  notes = [];
}

function indent(text) {
  return String(text)
    .split('\n')
    .map((l) => `         ${l}`)
    .join('\n');
}

// ---------------------------------------------------------------- browser

/** Chromium's switches for every browser this script launches. */
function browserArgs() {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
}
const browser = await chromium.launch({ executablePath: CHROMIUM, args: browserArgs() });

/** A fresh browser context (its own cookies and storage). */
async function context(options = {}) {
  const ctx = await browser.newContext({ baseURL: BASE, locale: 'en-GB', ...options });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

/** Problems the page reported while loaded: script errors and CSP refusals. */
function watch(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  return problems;
}

/** Opens `path`; fails clearly unless it answers 200. */
async function open(page, path) {
  const res = await page.goto(path, { waitUntil: 'load' });
  assert(res, `${path}: no response`);
  const status = res.status();
  if (status !== 200) {
    const text = await page.evaluate(() => document.body?.innerText || '').catch(() => '');
    fail(`${path} answered ${status} (page not there yet?) ${text.trim().slice(0, 200)}`);
  }
  return res;
}

/** The frame's contract: html lang/dir, skip link, main#main, switcher. */
async function frameContract(page, path, lang) {
  const html = await page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    dir: document.documentElement.getAttribute('dir'),
    skip: !!document.querySelector('a.skip[href="#main"]'),
    main: !!document.querySelector('main#main'),
    switcher: !!document.querySelector('nav.langs a[hreflang=ar]'),
    h1: document.querySelectorAll('h1').length,
  }));
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  assert(html.lang === lang && html.dir === dir, `${path}: <html lang=${html.lang} dir=${html.dir}>, want lang=${lang} dir=${dir}`);
  assert(html.skip, `${path}: no skip link a.skip[href="#main"]`);
  assert(html.main, `${path}: no main#main`);
  assert(html.switcher, `${path}: no language switcher nav.langs a[hreflang=ar]`);
  assert(html.h1 === 1, `${path}: ${html.h1} <h1> elements, want exactly one`);
}

/** axe-core on the loaded page; fails on serious or critical violations. */
async function axe(page, path) {
  // Not page.addScriptTag: the portal's CSP (script-src 'self') rightly
  // refuses inline scripts. DevTools evaluation is outside the CSP.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      more: Math.max(0, v.nodes.length - 5),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((x) => !bad.includes(x))) {
    note(`${path}: axe [${v.impact}] ${v.id}: ${v.help} (at ${v.nodes.map((n) => n.target).join(', ')})`);
  }
  if (bad.length) {
    const lines = bad.flatMap((v) => [
      `[${v.impact}] ${v.id}: ${v.help}`,
      ...v.nodes.map((n) => `    at ${n.target}: ${(n.summary || '').replace(/\n/g, ' ')}`),
      ...(v.more ? [`    … and ${v.more} more`] : []),
    ]);
    fail(`${path}: axe-core found ${bad.length} serious/critical violation(s):\n${lines.join('\n')}`);
  }
}

/** One browser page per language for the page audits (quicker than one each). */
const auditTabs = {};
async function auditTab(lang) {
  if (!auditTabs[lang]) {
    const ctx = await context();
    const page = await ctx.newPage();
    auditTabs[lang] = { ctx, page, problems: watch(page) };
  }
  return auditTabs[lang];
}

/** Open a page, check the frame and axe; screenshot it. */
async function auditPage(path, name, lang) {
  const { page, problems } = await auditTab(lang);
  problems.length = 0;
  const url = lang === 'en' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
  await open(page, url);
  await shot(page, `${lang}-${name}`);
  await frameContract(page, url, lang);
  await axe(page, url);
  assert(problems.length === 0, `${url}: ${problems.join('; ')}`);
}

/** Pages taller than this are shot a screen at a time: the first screen
 * only (the root zone's list of every TLD is some 40,000 px long, and a
 * full-page shot of it takes longer than the check may). */
const FULL_SHOT_MAX_PX = 16_000;

async function shot(page, name) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const fullPage = height <= FULL_SHOT_MAX_PX;
  if (!fullPage) note(`${name}: ${height} px tall, screenshot of the first screen only`);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Single-line Fluent messages of one locale file: id → text. */
function messages(lang, area) {
  const file = join(LOCALES, lang, `${area}.ftl`);
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([a-z][a-z0-9-]*)\s*=\s*(.+)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

async function navTexts(page) {
  return page.locator('nav.main a').allInnerTexts();
}

/** The tally cells of the proposal page, as numbers. */
async function tally(page) {
  assert(await page.locator('#tally').count(), 'no #tally on the proposal page');
  const out = {};
  for (const vote of ['yes', 'no', 'abstain', 'not_voting']) {
    const cell = page.locator(`#tally [data-vote="${vote}"]`).first();
    assert(await cell.count(), `no #tally [data-vote="${vote}"] cell`);
    const text = (await cell.innerText()).trim();
    const n = Number.parseInt(text.replace(/[^0-9]/g, ''), 10);
    assert(Number.isFinite(n), `#tally [data-vote="${vote}"] holds ${JSON.stringify(text)}, not a number`);
    out[vote] = n;
  }
  return out;
}

// ---------------------------------------------------------------- checks

mkdirSync(SHOTS, { recursive: true });
// Last run's pictures would pass for this run's where a page now fails.
for (const f of readdirSync(SHOTS).filter((n) => n.endsWith('.png'))) rmSync(join(SHOTS, f));
const started = Date.now();

// 1 and 7: every page in each of the six languages: frame, axe, screenshot
// (one tab per language, closed when its pages are done).
for (const lang of LANGS) {
  for (const [path, name] of PAGES) {
    await check(`axe ${lang} ${path}`, () => auditPage(path, name, lang));
  }
  await auditTabs[lang]?.ctx.close();
  delete auditTabs[lang];
}

// ---------------------------------------------------------------- content in Arabic, Chinese and Russian
// What a reader of these languages sees, read from the DOM: the member
// states' names and the body's are in that language, dates and deadlines
// are written in it (not ISO, not the English rendering of the same
// instant), and the Code's every article is in it, marked as an
// unofficial rendering exactly where the API says so. The frame (lang,
// dir) has its own checks above; these are about the words. Run before
// the desk's checks, which rename a member.
const CONTENT_LANGS = ['ar', 'zh', 'ru'];
const SCRIPT = { ar: /[\u0600-\u06FF]/, zh: /[\u4E00-\u9FFF]/, ru: /[\u0400-\u04FF]/ };
const SCRIPT_NAME = { ar: 'Arabic', zh: 'Han', ru: 'Cyrillic' };
/** A few of the demo's names (DEMO_MEMBERS in crates/accord/src/cmd/demo/mod.rs). */
const DEMO_NAMES = {
  ar: { FRA: 'فرنسا', CHN: 'الصين', RUS: 'الاتحاد الروسي', USA: 'الولايات المتحدة الأمريكية' },
  zh: { FRA: '法国', CHN: '中国', RUS: '俄罗斯联邦', USA: '美利坚合众国' },
  ru: { FRA: 'Франция', CHN: 'Китай', RUS: 'Российская Федерация', USA: 'Соединенные Штаты Америки' },
};

function withLang(path, lang) {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

async function apiJson(ctx, path) {
  const res = await ctx.request.get(path);
  assert(res.ok(), `${path} answered ${res.status()}`);
  return res.json();
}

/** Latin digits for Arabic-Indic ones, and no bidi marks: text to match numbers in. */
function plain(text) {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u200E\u200F\u061C]/g, '')
    .replace(/[\u00A0\u202F]/g, ' ');
}

/** The `<time>` elements in main of `path` in `lang`: datetime, text, and the relative phrase after it. */
async function times(page, path, lang) {
  await open(page, withLang(path, lang));
  return page.locator('main time').evaluateAll((els) =>
    els.map((t) => {
      const next = t.nextElementSibling;
      const relative = next && next.matches('span.relative') ? next.textContent.trim() : null;
      return { datetime: t.getAttribute('datetime'), text: t.textContent.trim(), relative };
    }),
  );
}

/** What an absolute time in `lang` must show of `datetime` (UTC), beyond its script. */
function dateParts(lang, datetime) {
  const d = new Date(datetime);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  const minute = `:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  if (lang === 'zh') return [`${y}年${m}月${day}日`, minute];
  if (lang === 'ru') {
    // The month as Russian writes it in a date (format context, e.g. "дек.").
    const month = new Intl.DateTimeFormat('ru', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
      .formatToParts(d)
      .find((p) => p.type === 'month').value;
    return [`${day} ${month}`, String(y), minute];
  }
  return [String(y), String(day), minute];
}

/** How far `datetime` is from `now`, as dates.rs counts it: the unit and the whole number of them. */
function distance(datetime, now) {
  const delta = Date.parse(datetime) - now;
  const abs = Math.abs(delta);
  const [unit, ms] = abs < 3_600_000 ? ['minute', 60_000] : abs < 2 * 86_400_000 ? ['hour', 3_600_000] : ['day', 86_400_000];
  return { unit, n: Math.abs(Math.trunc(delta / ms)) };
}

const reader = await context();

for (const lang of CONTENT_LANGS) {
  await check(`names ${lang}: /members and /members/FRA name the member states in ${SCRIPT_NAME[lang]} script, not in English`, async () => {
    const { members } = await apiJson(reader, '/api/v1/members');
    const states = members.filter((m) => m.id !== 'secretariat');
    const page = await reader.newPage();
    try {
      await open(page, `/members?lang=${lang}`);
      const rows = await page.locator('#members tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({ id: tr.cells[0].innerText.trim(), name: tr.cells[1].innerText.trim() })),
      );
      const shown = Object.fromEntries(rows.map((r) => [r.id, r.name]));
      assert(rows.length === states.length, `/members?lang=${lang} lists ${rows.length} states, the API ${states.length}`);
      for (const [id, want] of Object.entries(DEMO_NAMES[lang])) {
        assert(shown[id] === want, `/members?lang=${lang}: ${id} is named ${JSON.stringify(shown[id])}, want the demo's ${want}`);
      }
      for (const m of states) {
        const want = m.names?.[lang];
        assert(want, `/api/v1/members: ${m.id} has no ${lang} name: ${JSON.stringify(m.names)}`);
        assert(shown[m.id] === want, `/members?lang=${lang}: ${m.id} is named ${JSON.stringify(shown[m.id])}, the API's ${lang} name is ${want}`);
        assert(shown[m.id] !== m.names.en && SCRIPT[lang].test(shown[m.id]), `/members?lang=${lang}: ${m.id} is named ${JSON.stringify(shown[m.id])}, not in ${SCRIPT_NAME[lang]} script`);
      }
      const list = await page.locator('main#main').innerText();
      assert(!/\bFrance\b/.test(list), `/members?lang=${lang} says "France"`);
      await open(page, `/members/FRA?lang=${lang}`);
      const h1 = (await page.locator('main#main h1').innerText()).trim();
      assert(h1.includes(DEMO_NAMES[lang].FRA), `/members/FRA?lang=${lang}: the heading is ${JSON.stringify(h1)}, not naming ${DEMO_NAMES[lang].FRA}`);
      const one = await page.locator('main#main').innerText();
      assert(!/\bFrance\b/.test(one), `/members/FRA?lang=${lang} says "France"`);
    } finally {
      await page.close();
    }
  });

  await check(`names ${lang}: the home page names the body in ${lang}, as /api/v1/body does`, async () => {
    const body = await apiJson(reader, '/api/v1/body');
    const want = body.names?.[lang];
    assert(want && want !== body.names.en, `/api/v1/body has no ${lang} name of its own: ${JSON.stringify(body.names)}`);
    const page = await reader.newPage();
    try {
      await open(page, `/?lang=${lang}`);
      const h1 = (await page.locator('main#main h1').innerText()).trim();
      const brand = (await page.locator('header a.brand').innerText()).trim();
      assert(h1 === want, `/?lang=${lang}: the heading is ${JSON.stringify(h1)}, the body's ${lang} name is ${want}`);
      assert(brand === want, `/?lang=${lang}: the header names the body ${JSON.stringify(brand)}, want ${want}`);
      assert(SCRIPT[lang].test(h1), `/?lang=${lang}: the body's name ${JSON.stringify(h1)} has no ${SCRIPT_NAME[lang]} letters`);
    } finally {
      await page.close();
    }
  });

  await check(`dates ${lang}: <time> on /proposals/${PROPOSAL} and /log written in ${lang}, the deadline's distance too`, async () => {
    const page = await reader.newPage();
    try {
      let relatives = 0;
      for (const path of [`/proposals/${PROPOSAL}`, '/log']) {
        const english = await times(page, path, 'en');
        const shown = await times(page, path, lang);
        const now = Date.now();
        assert(shown.length > 0, `${withLang(path, lang)}: no <time> in main`);
        for (const t of shown) {
          const at = `${withLang(path, lang)}: <time datetime=${t.datetime}> ${JSON.stringify(t.text)}`;
          assert(t.datetime && !Number.isNaN(Date.parse(t.datetime)), `${at}: no RFC 3339 datetime`);
          assert(!/\d{4}-\d{2}-\d{2}/.test(t.text), `${at}: written as ISO, not in ${lang}`);
          assert(SCRIPT[lang].test(t.text), `${at}: no ${SCRIPT_NAME[lang]} script in it`);
          for (const part of dateParts(lang, t.datetime)) {
            assert(plain(t.text).includes(part), `${at}: lacks ${JSON.stringify(part)}`);
          }
          const en = english.find((e) => e.datetime === t.datetime);
          assert(en, `${withLang(path, 'en')}: no <time datetime=${t.datetime}> to compare with`);
          assert(en.text !== t.text, `${at}: the same as the English ${JSON.stringify(en.text)}`);
          if (t.relative === null) continue;
          relatives++;
          const { unit, n } = distance(t.datetime, now);
          const rel = `${at} (${JSON.stringify(t.relative)})`;
          assert(t.relative.replace(/[()\s]/g, ''), `${rel}: the relative phrase is empty`);
          assert(en.relative && en.relative !== t.relative, `${rel}: the same as the English ${JSON.stringify(en.relative)}`);
          assert(SCRIPT[lang].test(t.relative), `${rel}: no ${SCRIPT_NAME[lang]} script in it`);
          // The page was rendered a little before `now` (and may be cached
          // for a minute): its count may be one more, or one less at a
          // unit's edge. Arabic writes one and two in words ("يومين").
          const numbers = (plain(t.relative).match(/\d+/g) || []).map(Number);
          const near = (k) => Math.abs(k - n) <= 1;
          assert(numbers.some(near) || (numbers.length === 0 && n <= 2), `${rel}: want about ${n} ${unit}(s), it says ${numbers.join(', ') || 'no number'}`);
        }
      }
      assert(relatives > 0, `/proposals/${PROPOSAL}?lang=${lang}: no open deadline with a relative phrase (span.relative after its <time>)`);
    } finally {
      await page.close();
    }
  });

  await check(`code ${lang}: /code/ICCIS/versions/2 shows every article in ${lang}, marked unofficial where the API says`, async () => {
    const v = await apiJson(reader, '/api/v1/documents/ICCIS/versions/2');
    const page = await reader.newPage();
    try {
      const url = `/code/ICCIS/versions/2?lang=${lang}`;
      await open(page, url);
      const shown = await codeArticles(page);
      assert(shown.missing === 0, `${url}: ${shown.missing} .hint.missing notice(s): some article has no ${lang} text`);
      assert(shown.texts.length === v.articles.length, `${url}: ${shown.texts.length} .code-text for ${v.articles.length} articles`);
      for (const t of shown.texts) {
        assert(t.lang === lang, `${url}: a .code-text in #${t.article} has lang=${t.lang}, want ${lang}`);
        assert(SCRIPT[lang].test(t.text), `${url}: the text of #${t.article} has no ${SCRIPT_NAME[lang]} letters: ${JSON.stringify(t.text.slice(0, 80))}`);
      }
      unofficialWhereTheApiSays(url, lang, v, shown);
    } finally {
      await page.close();
    }
  });
}

/** The Code page's articles: their texts (lang and words) and notices. */
async function codeArticles(page) {
  return page.locator('main#main').evaluate((main) => ({
    missing: main.querySelectorAll('.hint.missing').length,
    panel: !!main.querySelector('.code-facts dd.unofficial'),
    texts: [...main.querySelectorAll('.code-text')].map((t) => ({
      article: t.closest('article')?.id,
      lang: t.getAttribute('lang'),
      text: t.textContent,
    })),
    articles: [...main.querySelectorAll('article.code-article')].map((a) => ({
      id: a.id,
      unofficial: a.querySelectorAll('.hint.unofficial').length,
    })),
  }));
}

/** Each article says it is an unofficial rendering iff the API lists `lang` in its `unofficial`; the facts list them iff the version has any. */
function unofficialWhereTheApiSays(url, lang, v, shown) {
  const byId = Object.fromEntries(shown.articles.map((a) => [a.id, a]));
  for (const a of v.articles) {
    const want = (a.unofficial || []).includes(lang);
    const got = byId[a.id];
    assert(got, `${url}: no article#${a.id}`);
    assert(got.unofficial === (want ? 1 : 0), `${url}: article#${a.id} has ${got.unofficial} unofficial notice(s), the API says ${lang} is ${want ? '' : 'not '}unofficial there`);
  }
  const any = (v.unofficial_languages || []).length > 0;
  assert(shown.panel === any, `${url}: the facts ${shown.panel ? 'list' : 'do not list'} unofficial languages; the API's unofficial_languages are ${JSON.stringify(v.unofficial_languages)}`);
  if ((v.unofficial_languages || []).includes(lang)) {
    assert(shown.articles.some((a) => a.unofficial), `${url}: the API lists ${lang} as unofficial, no article says so`);
  }
}

const OTHER_LANGS = LANGS.filter((l) => !CONTENT_LANGS.includes(l));
await check(`code ${OTHER_LANGS.join(', ')}: the unofficial notice only where the API says`, async () => {
  const v = await apiJson(reader, '/api/v1/documents/ICCIS/versions/2');
  const page = await reader.newPage();
  try {
    for (const lang of OTHER_LANGS) {
      const url = `/code/ICCIS/versions/2?lang=${lang}`;
      await open(page, url);
      unofficialWhereTheApiSays(url, lang, v, await codeArticles(page));
    }
  } finally {
    await page.close();
  }
});
await reader.close();
// ---------------------------------------------------------------- end of content in Arabic, Chinese and Russian

// ---------------------------------------------------------------- phones and right to left
// Every page at a phone's width (390 CSS px), in English and in Arabic: the
// page is never wider than the screen (tables become cards or scroll in
// their own box, long ids and hashes wrap), axe stays clean, and a
// screenshot named by page, language and width. Directional arrows point
// the way the text runs: mirrored in Arabic.
const PHONE = { width: 390, height: 844 };

/** The page's width against the viewport, and the elements that stick out. */
async function overflow(page) {
  return page.evaluate(() => {
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > innerWidth + 0.5 || r.left < -0.5)) {
        const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide: wide.slice(-6) };
  });
}

const phoneTabs = {};
async function phonePage(path, name, lang) {
  if (!phoneTabs[lang]) {
    const ctx = await context({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    phoneTabs[lang] = { ctx, page, problems: watch(page) };
  }
  const { page, problems } = phoneTabs[lang];
  problems.length = 0;
  const url = lang === 'en' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
  await open(page, url);
  await shot(page, `${lang}-${name}-${PHONE.width}px`);
  const o = await overflow(page);
  assert(o.inner === PHONE.width, `${url}: the viewport is ${o.inner} px wide, want ${PHONE.width} (no viewport meta?)`);
  assert(o.scroll <= o.inner, `${url}: the page is ${o.scroll} px wide on a ${o.inner} px screen; sticking out: ${o.wide.join(' | ')}`);
  await axe(page, `${url} at ${PHONE.width} px`);
  assert(problems.length === 0, `${url}: ${problems.join('; ')}`);
}

for (const lang of ['en', 'ar']) {
  for (const [path, name] of PAGES) {
    await check(`phone ${PHONE.width}px ${lang} ${path}: no wider than the screen, axe clean`, () => phonePage(path, name, lang));
  }
}
for (const { ctx } of Object.values(phoneTabs)) await ctx.close();

await check('right to left: arrows point the way the text runs (mirrored in Arabic)', async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    for (const path of ['/code/ICCIS/diff?from=1&to=2', '/entries/1']) {
      for (const lang of ['en', 'ar']) {
        await open(page, `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        const arrows = await page.locator('main .arrow').evaluateAll((els) =>
          els.map((e) => ({ text: e.textContent, transform: getComputedStyle(e).transform, hidden: e.getAttribute('aria-hidden') })),
        );
        assert(arrows.length > 0, `${path} (${lang}): no .arrow in main`);
        for (const a of arrows) {
          const mirrored = a.transform.startsWith('matrix(-1');
          assert(mirrored === (lang === 'ar'), `${path} (${lang}): arrow ${a.text} has transform ${a.transform}, want ${lang === 'ar' ? 'mirrored' : 'none'}`);
          assert(a.hidden === 'true', `${path} (${lang}): arrow ${a.text} is read aloud (no aria-hidden)`);
        }
      }
    }
    // No bare arrow glyph left outside an .arrow in the page's text.
    for (const [path] of PAGES) {
      await open(page, `${path}${path.includes('?') ? '&' : '?'}lang=ar`);
      const bare = await page.evaluate(() => {
        const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
        const out = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (/[←→‹›⟵⟶⇐⇒]/.test(n.textContent) && !n.parentElement.closest('.arrow, pre, code, textarea')) out.push(n.textContent.trim().slice(0, 60));
        }
        return out;
      });
      assert(bare.length === 0, `${path} (ar): arrows that do not mirror: ${JSON.stringify(bare)}`);
    }
  } finally {
    await ctx.close();
  }
});
// ---------------------------------------------------------------- end of phones and right to left

await check('assets: portal.css is served immutable and applied', async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    await open(page, '/');
    const href = await page.locator('link[rel=stylesheet]').first().getAttribute('href');
    assert(href && /^\/static\/portal\.css\?v=[0-9a-f]+$/.test(href), `stylesheet link is ${href}, want /static/portal.css?v=<hash>`);
    const res = await ctx.request.get(href);
    assert(res.status() === 200, `${href} answered ${res.status()}`);
    const cache = res.headers()['cache-control'] || '';
    assert(cache.includes('immutable'), `${href} Cache-Control is ${JSON.stringify(cache)}, want immutable`);
    const rules = await page.evaluate(() => [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0));
    assert(rules > 10, `the browser applied ${rules} CSS rules: was the stylesheet refused?`);
  } finally {
    await ctx.close();
  }
});

// 2. Language: the switcher, the cookie that remembers it, Accept-Language.
await check('language: the Arabic switcher link makes the page Arabic, right to left', async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    await open(page, '/');
    const english = await navTexts(page);
    const ar = messages('ar', 'common');
    await Promise.all([page.waitForURL(/lang=ar/), page.locator('nav.langs a[hreflang=ar]').click()]);
    const html = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    assert(html[0] === 'ar' && html[1] === 'rtl', `after the switcher: <html lang=${html[0]} dir=${html[1]}>`);
    const arabic = await navTexts(page);
    assert(arabic.length === english.length, `nav has ${arabic.length} links in Arabic, ${english.length} in English`);
    for (let i = 0; i < arabic.length; i++) {
      assert(arabic[i] !== english[i], `nav link ${i} is still ${JSON.stringify(english[i])} in Arabic`);
      assert(/[\u0600-\u06FF]/.test(arabic[i]), `nav link ${i} ${JSON.stringify(arabic[i])} has no Arabic letters`);
    }
    assert(arabic.includes(ar['nav-proposals']), `nav ${JSON.stringify(arabic)} lacks ar nav-proposals ${ar['nav-proposals']}`);
    // Another page, reached by a plain link without ?lang=: still Arabic.
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/members'),
      page.locator('nav.main a[href="/members"]').click(),
    ]);
    assert(res.status() === 200, `/members answered ${res.status()} (page not there yet?)`);
    await page.waitForLoadState('load');
    const again = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    assert(again[0] === 'ar' && again[1] === 'rtl', `/members after choosing Arabic: <html lang=${again[0]} dir=${again[1]}> (cookie not remembered?)`);
    const cookies = await ctx.cookies();
    assert(cookies.some((c) => c.value === 'ar'), `no cookie remembers ar: ${JSON.stringify(cookies)}`);
  } finally {
    await ctx.close();
  }
});

await check('language: Accept-Language fr in a fresh browser gives French', async () => {
  const ctx = await context({ locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr' } });
  try {
    const page = await ctx.newPage();
    await open(page, '/');
    const lang = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    assert(lang[0] === 'fr' && lang[1] === 'ltr', `<html lang=${lang[0]} dir=${lang[1]}>, want fr ltr`);
    const fr = messages('fr', 'common');
    const nav = await navTexts(page);
    assert(nav.includes(fr['nav-proposals']), `nav ${JSON.stringify(nav)} lacks the French ${fr['nav-proposals']}`);
  } finally {
    await ctx.close();
  }
});

// 3. Keyboard.
await check('keyboard: Tab reaches the skip link first; it moves focus to main; focus is visible', async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    await open(page, '/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      const r = a.getBoundingClientRect();
      return {
        skip: a.matches('a.skip'),
        tag: a.outerHTML.slice(0, 80),
        outline: `${s.outlineStyle} ${s.outlineWidth}`,
        visible: r.bottom > 0 && r.right > 0 && r.top < innerHeight,
      };
    });
    assert(first.skip, `the first Tab focused ${first.tag}, not the skip link a.skip`);
    assert(!first.outline.startsWith('none') && !first.outline.endsWith(' 0px'), `the focused skip link has outline ${first.outline}`);
    assert(first.visible, 'the focused skip link is off screen');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main', null, { timeout: 5000 }).catch(() => {});
    const after = await page.evaluate(() => ({ id: document.activeElement?.id, tag: document.activeElement?.tagName, hash: location.hash }));
    assert(after.id === 'main', `after following the skip link focus is on <${after.tag} id=${after.id}> (hash ${after.hash}), not main#main`);
    // The next Tab goes on from main's content, and that focus shows too.
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return { inMain: !!a.closest('main'), tag: a.outerHTML.slice(0, 80), outline: `${s.outlineStyle} ${s.outlineWidth}` };
    });
    assert(next.inMain, `the Tab after the skip link focused ${next.tag}, outside main`);
    assert(!next.outline.startsWith('none') && !next.outline.endsWith(' 0px'), `focused ${next.tag} has outline ${next.outline}`);
  } finally {
    await ctx.close();
  }
});

// 4 and 5: a delegate signs in on /desk, votes, and the vote shows.
const desk = await context();
let deskPage;
await check('desk: pick a demo member who has not voted yet', async () => {
  const res = await desk.request.get(`/api/v1/proposals/${PROPOSAL}`);
  assert(res.ok(), `/api/v1/proposals/${PROPOSAL} answered ${res.status()}`);
  const p = await res.json();
  const voted = new Set((p.votes || []).map((v) => v.member));
  const list = (await (await desk.request.get('/api/v1/members')).json()).members;
  const members = list.map((m) => m.id);
  const free = ['KEN', ...members].find(
    (id) => id !== 'secretariat' && !voted.has(id) && existsSync(join(DEMO, 'demo-keys', `${id}.key`)),
  );
  assert(free, `every demo member has voted on ${PROPOSAL}: ${[...voted].join(', ')}`);
  state.member = free;
  state.memberName = list.find((m) => m.id === free)?.name || free;
});

/** Signs in on the desk open in `page` with `keyFile`; fails unless the desk then names the member. */
async function signInWithKeyFile(page, keyFile, member, memberName, problems) {
  assert(await page.locator('#key-file').count(), '/desk has no key file input #key-file');
  await page.setInputFiles('#key-file', keyFile);
  await page.locator('#sign-in').click();
  const who = page.locator('#desk-member');
  await who.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    const err = await page.locator('.error, [role=alert]').allInnerTexts().catch(() => []);
    fail(`no visible #desk-member after signing in as ${member}; page says: ${err.join(' | ') || '(nothing)'}; ${problems.join('; ')}`);
  });
  const text = await who.innerText();
  assert(
    text.includes(member) || text.includes(memberName),
    `#desk-member says ${JSON.stringify(text)}, naming neither ${member} nor ${memberName}`,
  );
}

await check('desk: sign in with a demo key file', async () => {
  deskPage = await desk.newPage();
  const problems = watch(deskPage);
  await open(deskPage, '/desk');
  await signInWithKeyFile(deskPage, join(DEMO, 'demo-keys', `${state.member}.key`), state.member, state.memberName, problems);
  await shot(deskPage, 'en-desk-signed-in');
  assert(problems.length === 0, problems.join('; '));
  state.signedIn = true;
}, { needs: ['member'] });

await check('desk: the proposal page tally before the vote', async () => {
  const page = await desk.newPage();
  await open(page, `/proposals/${PROPOSAL}`);
  state.before = await tally(page);
  await page.close();
}, { needs: ['member'] });

await check(`desk: cast a vote with an explanation on ${PROPOSAL}`, async () => {
  const page = deskPage;
  const form = page.locator(`form[data-act="vote.cast"]:has(input[name="proposal"][value="${PROPOSAL}"])`);
  const forms = await form.count();
  assert(forms === 1, `${forms} form[data-act="vote.cast"] with input[name=proposal][value=${PROPOSAL}] on /desk, want 1`);
  const vote = form.locator('[name="vote"]');
  const kind = await vote.first().evaluate((e) => `${e.tagName}:${e.type || ''}`);
  if (kind.startsWith('SELECT')) await vote.selectOption('yes');
  else await form.locator('input[name="vote"][value="yes"]').check();
  state.explanation = `Browser test: ${state.member} supports the fund (${Date.now()}).`;
  await form.locator('textarea[name="explanation"]').fill(state.explanation);
  await form.locator('button[type=submit], button:not([type]), input[type=submit]').first().click();
  const link = page.locator('.act-result a[href^="/entries/"]').first();
  await link.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    const said = await page.locator('.act-result, .error, [role=alert]').allInnerTexts().catch(() => []);
    fail(`no .act-result a[href^="/entries/"] after submitting the vote; page says: ${said.join(' | ') || '(nothing)'}`);
  });
  const href = await link.getAttribute('href');
  const index = Number.parseInt(href.replace('/entries/', ''), 10);
  assert(Number.isInteger(index) && index > 0, `entry link ${href}`);
  state.index = index;
  await shot(page, 'en-desk-voted');
}, { needs: ['signedIn'] });

await check('desk: the proposal page shows the vote and its explanation', async () => {
  const page = await desk.newPage();
  let now;
  // The vote is in the log already; the page may lag the projection briefly.
  for (let i = 0; i < 20; i++) {
    await open(page, `/proposals/${PROPOSAL}`);
    now = await tally(page);
    if (now.yes === state.before.yes + 1) break;
    await page.waitForTimeout(250);
  }
  assert(now.yes === state.before.yes + 1, `tally yes went ${state.before.yes} → ${now.yes}, want +1`);
  assert(now.not_voting === state.before.not_voting - 1, `tally not_voting went ${state.before.not_voting} → ${now.not_voting}, want -1`);
  const votes = await page.locator('#votes').innerText();
  assert(votes.includes(state.explanation), `#votes lacks the explanation ${JSON.stringify(state.explanation)}`);
  assert(await page.locator('svg.chart').count(), 'no svg.chart on the proposal page');
  await shot(page, 'en-proposal-after-vote');
  await page.close();
}, { needs: ['index', 'before'] });

await check('desk: still signed in after a reload', async () => {
  await deskPage.reload({ waitUntil: 'load' });
  await deskPage
    .locator('#desk-member')
    .waitFor({ state: 'visible', timeout: 10_000 })
    .catch(() => fail('after reloading /desk there is no visible #desk-member: the sign-in was not kept'));
}, { needs: ['signedIn'] });

await check('entry: the inclusion proof and checkpoint verify in the browser', async () => {
  const page = await desk.newPage();
  const problems = watch(page);
  await open(page, `/entries/${state.index}`);
  const result = page.locator('#proof-result');
  assert(await result.count(), `/entries/${state.index} has no #proof-result`);
  await page
    .locator('#proof-result[data-verified="true"]')
    .waitFor({ state: 'attached', timeout: 15_000 })
    .catch(async () => {
      const attr = await result.getAttribute('data-verified');
      const text = await result.innerText();
      fail(`#proof-result data-verified=${attr}: ${text}; ${problems.join('; ')}`);
    });
  await shot(page, 'en-entry-verified');
  // The log key's fingerprint is shown and can be pinned in this browser.
  const fp = (await page.locator('#log-key-fingerprint code').innerText()).trim();
  assert(/^([0-9a-f]{4} ){7}[0-9a-f]{4}$/.test(fp), `the log key fingerprint looks like ${JSON.stringify(fp)}`);
  await page.locator('#log-key-pin').click();
  await page.locator('#log-key-pinned').waitFor({ state: 'visible', timeout: 5_000 });
  await page.reload({ waitUntil: 'load' });
  await page.locator('#proof-result[data-verified="true"] #log-key-pinned').waitFor({ state: 'attached', timeout: 15_000 })
    .catch(() => fail('after pinning and reloading, the page does not say the key is the pinned one'));
  // A page that later presents another key for this log fails, loudly.
  await page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (!k.startsWith('accord.pinned-log-key.')) continue;
      // Change the last character for certain: a fixed replacement is a
      // no-op when the key happens to end with it (one demo key in 64).
      const v = localStorage.getItem(k);
      localStorage.setItem(k, v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A'));
    }
  });
  await page.reload({ waitUntil: 'load' });
  await page.locator('#proof-result[data-verified="false"]').waitFor({ state: 'attached', timeout: 15_000 })
    .catch(() => fail('a page presenting another log key than the pinned one was not refused'));
  const warning = await page.locator('#proof-result').getAttribute('data-msg-key-changed');
  const text = await page.locator('#proof-result').innerText();
  assert(text.includes(warning), `the refusal does not say the key changed: ${text}`);
  await shot(page, 'en-entry-key-changed');
  await page.close();
}, { needs: ['index'] });

// ---------------------------------------------------------------- the witnesses' quorum in the proof check
// verify.js passes an entry only if the log signed its checkpoint AND the
// witness policy's quorum cosigned it. The demo body's five witnesses (one
// per UN regional group) cosign its checkpoints: the check passes, naming
// them, 5 of the 3 needed. Then the same page against other policies (the
// policy answer replaced in this browser only): `quorum none` is not a
// pass ("unwitnessed") and says no witness cosigns; a policy naming
// another log's key is refused; a policy naming a witness that did not cosign
// is refused, 0 valid cosignatures of 1 needed; and with that witness's
// cosignature added to the checkpoint it passes, naming the witness.

/** A message of locales/<lang>/log.ftl as the page shows it: backquotes
 * gone (they become <code>), {count}/{needed} filled in. */
function shown(lang, id, vars = {}) {
  const m = messages(lang, 'log')[id];
  assert(m, `no ${id} in locales/${lang}/log.ftl`);
  return m.replace(/`/g, '').replace(/\{ \$(count|needed) \}/g, (_, k) => String(vars[k]));
}

/** A witness key of our own: cosigns like a C2SP witness (cosignature/v1). */
function testWitness(name) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const raw = Buffer.concat([Buffer.from([4]), pub]);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), raw])).digest().subarray(0, 4);
  return {
    vkey: `${name}+${id.toString('hex')}+${raw.toString('base64')}`,
    // The signature line for `note` (a signed note), at `time`.
    line(note, time) {
      const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64BE(BigInt(time));
      const sig = signBytes(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), privateKey);
      return `\u2014 ${name} ${Buffer.concat([id, ts, sig]).toString('base64')}\n`;
    },
  };
}

/** This body's policy: its size and text. */
async function demoPolicy(ctx) {
  const res = await ctx.request.get('/log/policy');
  assert(res.status() === 200, `/log/policy answered ${res.status()}`);
  const size = res.headers()['accord-policy-size'];
  assert(/^[0-9]+$/.test(size || ''), `/log/policy has accord-policy-size ${JSON.stringify(size)}`);
  const text = await res.text();
  const log = /^log .*$/m.exec(text);
  assert(log, `the demo's policy names no log:\n${text}`);
  return { size, text, log: log[0] };
}

/** This body's log, with only one witness, `witness`, as the quorum. */
async function policyNaming(ctx, witness) {
  const p = await demoPolicy(ctx);
  return { size: p.size, text: `${p.log}\nwitness TST ${witness.vkey}\nquorum TST\n` };
}

/** Serves `policy` as /log/policy to `page`. */
async function servePolicy(page, policy) {
  await page.route('**/log/policy', (route) =>
    route.fulfill({ status: 200, contentType: 'text/plain; charset=utf-8', headers: { 'accord-policy-size': policy.size }, body: policy.text }),
  );
}

await check('proof check: the demo\'s five witnesses cosign; the entry passes naming them; under `quorum none` it is only "unwitnessed" and says no witness cosigns', async () => {
  const ctx = await context();
  try {
    for (const lang of ['en', 'ar']) {
      const page = await ctx.newPage();
      const problems = watch(page);
      const v = await entryVerdict(page, `/entries/1${lang === 'en' ? '' : `?lang=${lang}`}`);
      assert(v.pass && v.verified === 'true', `(${lang}) the check did not pass: ${JSON.stringify(v)}; ${problems.join('; ')}`);
      // A quorum of the five (a witness still writing an earlier
      // cosignature may miss a checkpoint).
      assert(v.quorum === 'met' && v.needed === 3 && v.cosignatures >= 3, `(${lang}) quorum ${v.quorum}, ${v.cosignatures} of ${v.needed}`);
      const five = ['BRA', 'CHN', 'FRA', 'KEN', 'RUS'];
      assert(v.cosigners.length === v.cosignatures && v.cosigners.every((c) => five.includes(c)), `(${lang}) cosigners ${JSON.stringify(v.cosigners)}`);
      if (lang === 'en') {
        const want = shown(lang, 'log-check-step-quorum', { count: v.cosignatures, needed: 3 });
        assert(v.text.includes(want), `(${lang}) the verdict does not say ${JSON.stringify(want)}: ${v.text}`);
      }
      const line = await page.locator('#checkpoint-witnesses').getAttribute('data-quorum');
      assert(line === 'met', `(${lang}) the checkpoint's witness line says data-quorum=${line}`);
      await shot(page, `${lang}-entry-verified-quorum-met-demo`);
      assert(problems.length === 0, problems.join('; '));
      await page.close();
    }
    const p = await demoPolicy(ctx);
    const page = await ctx.newPage();
    const problems = watch(page);
    await servePolicy(page, { size: p.size, text: `${p.log}\nquorum none\n` });
    const v = await entryVerdict(page, '/entries/1?lang=en');
    // No witness vouches for it: not a pass, and it says why.
    assert(!v.pass && v.verified === 'unwitnessed' && v.quorum === 'none' && v.needed === 0, `quorum none: ${JSON.stringify(v)}`);
    const want = shown('en', 'log-check-step-no-witness');
    assert(v.text.includes(want), `the verdict does not say no witness cosigns (${want}): ${v.text}`);
    await shot(page, 'en-entry-verified-quorum-none');
    assert(problems.length === 0, problems.join('; '));
  } finally {
    await ctx.close();
  }
});

await check('proof check: a policy that needs a witness who did not cosign is refused (0 valid, 1 needed); with its cosignature it passes', async () => {
  const ctx = await context();
  try {
    const witness = testWitness('witness.test');
    const policy = await policyNaming(ctx, witness);
    const page = await ctx.newPage();
    const problems = watch(page);
    await servePolicy(page, policy);
    const refused = await entryVerdict(page, '/entries/1');
    assert(!refused.pass && refused.verified === 'false', `a checkpoint without its quorum passed: ${JSON.stringify(refused)}`);
    assert(refused.quorum === 'not-met' && refused.cosignatures === 0 && refused.needed === 1, `refusal counts: ${JSON.stringify(refused)}`);
    const want = shown('en', 'log-check-no-quorum', { count: 0, needed: 1 });
    assert(refused.text.includes(want), `the refusal does not say ${JSON.stringify(want)}: ${refused.text}`);
    await shot(page, 'en-entry-refused-no-quorum');
    // The same checkpoint, cosigned by that witness (the page's proof
    // data changed in this browser only).
    await page.route('**/entries/1', async (route) => {
      const res = await route.fetch();
      const html = await res.text();
      const m = /(<script type="application\/json" id="proof-data">)([^<]*)(<\/script>)/.exec(html);
      if (!m) return route.fulfill({ response: res, body: html });
      const d = JSON.parse(m[2]);
      d.checkpoint += witness.line(d.checkpoint, Math.floor(Date.now() / 1000));
      const json = JSON.stringify(d).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
      return route.fulfill({ response: res, body: html.replace(m[0], m[1] + json + m[3]) });
    });
    const passed = await entryVerdict(page, '/entries/1');
    assert(passed.pass && passed.quorum === 'met', `the cosigned checkpoint did not pass: ${JSON.stringify(passed)}`);
    assert(passed.cosignatures === 1 && passed.cosigners.join() === 'TST', `cosigners ${JSON.stringify(passed.cosigners)}`);
    const ok = shown('en', 'log-check-step-quorum', { count: 1, needed: 1 });
    assert(passed.text.includes(ok), `the verdict does not say ${JSON.stringify(ok)}: ${passed.text}`);
    await shot(page, 'en-entry-verified-quorum-met');
    assert(problems.length === 0, problems.join('; '));
  } finally {
    await ctx.close();
  }
});

await check('keyboard: on /witnesses, Tab reaches the policy link and every member link, focus visible', async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    await open(page, '/witnesses');
    const want = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(want.includes('/log/policy'), `no link to /log/policy on /witnesses: ${JSON.stringify(want)}`);
    const reached = new Set();
    for (let i = 0; i < 200 && reached.size < new Set(want).size; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const a = document.activeElement;
        const s = getComputedStyle(a);
        return { inMain: !!a.closest('main'), href: a.getAttribute('href'), outline: `${s.outlineStyle} ${s.outlineWidth}` };
      });
      if (!f.inMain || !f.href) continue;
      assert(!f.outline.startsWith('none') && !f.outline.endsWith(' 0px'), `focused ${f.href} has outline ${f.outline}`);
      reached.add(f.href);
    }
    const missed = want.filter((h) => !reached.has(h));
    assert(missed.length === 0, `Tab never reached ${JSON.stringify(missed)} on /witnesses`);
  } finally {
    await ctx.close();
  }
});
// ---------------------------------------------------------------- end of the witnesses' quorum
// ---------------------------------------------------------------- the desk: what awaits, every act, a new key
// Signed in as state.member: the desk lists what awaits its state (soonest
// deadline first) and its recent acts, passes axe in English and Arabic and
// fits a phone; the member dissociates from a consensus and replaces its
// key — a key made in the browser, saved as a key file, the rotation signed
// with the old key — and the new entries appear; the saved file then signs
// in on a fresh browser and the old one no longer does.

await check('desk: what awaits is listed soonest deadline first, with the recent acts', async () => {
  const page = deskPage;
  await open(page, '/desk');
  const items = await page.locator('#desk-awaits > li').evaluateAll((lis) =>
    lis.map((li) => ({ id: li.dataset.proposal, kind: li.dataset.kind, time: li.querySelector('time')?.getAttribute('datetime') })),
  );
  assert(items.length > 0, 'no #desk-awaits li on the signed-in desk');
  for (const it of items) assert(it.time, `awaiting ${it.id} shows no deadline <time datetime>`);
  const sorted = [...items].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  assert(JSON.stringify(sorted) === JSON.stringify(items), `not soonest first: ${JSON.stringify(items)}`);
  const recent = await page.locator('#desk-recent a[href^="/entries/"]').count();
  assert(recent > 0, 'no recent act linked to its entry in #desk-recent');
  state.awaits = items;
}, { needs: ['index'] });

await check('desk: signed in, axe-clean in English and Arabic, and no wider than a phone', async () => {
  const page = await desk.newPage();
  const problems = watch(page);
  try {
    // English last: `?lang=` is remembered by a cookie the later checks share.
    for (const lang of ['ar', 'en']) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await open(page, `/desk?lang=${lang}`);
      await page.locator('#desk-member').waitFor({ state: 'visible' });
      await frameContract(page, `/desk?lang=${lang}`, lang);
      await axe(page, `/desk?lang=${lang} (signed in)`);
      await shot(page, `${lang}-desk-signed-in-awaits`);
      await page.setViewportSize(PHONE);
      const o = await overflow(page);
      assert(o.scroll <= o.inner, `/desk?lang=${lang} signed in: ${o.scroll} px wide on ${o.inner}; sticking out: ${o.wide.join(' | ')}`);
      await axe(page, `/desk?lang=${lang} (signed in, ${PHONE.width} px)`);
      await shot(page, `${lang}-desk-signed-in-${PHONE.width}px`);
    }
    assert(problems.length === 0, problems.join('; '));
  } finally {
    await page.close();
  }
}, { needs: ['index'] });

await check('desk: dissociate from a consensus under the silence procedure', async () => {
  const list = await (await desk.request.get('/api/v1/proposals?status=open')).json();
  const quiet = (list.proposals || []).find(
    (p) => p.procedure === 'silence' && p.status === 'open' && p.sponsor !== state.member,
  );
  assert(quiet, `no open silence procedure to dissociate from: ${JSON.stringify(list).slice(0, 300)}`);
  const page = deskPage;
  await open(page, '/desk');
  const form = page.locator(`form[data-act="silence.dissociate"]:has(input[name="proposal"][value="${quiet.id}"])`);
  assert((await form.count()) === 1, `no dissociation form for ${quiet.id} on the desk`);
  const reason = `Browser test: ${state.member} dissociates (${Date.now()}).`;
  await form.locator('textarea[name="reason"]').fill(reason);
  await form.locator('button[type=submit]').click();
  const link = form.locator('.act-result a[href^="/entries/"]');
  await link.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    fail(`no entry link after dissociating; the form says: ${await form.locator('.act-result').innerText()}`);
  });
  const index = Number((await link.getAttribute('href')).replace('/entries/', ''));
  const entry = await (await desk.request.get(`/api/v1/entries/${index}`)).json();
  assert(entry.statement?.type === 'silence.dissociate', `entry ${index} is ${entry.statement?.type}`);
  assert(JSON.stringify(entry.statement.body) === JSON.stringify({ proposal: quiet.id, reason }), `body ${JSON.stringify(entry.statement.body)}`);
  const p = await desk.newPage();
  await open(p, `/proposals/${quiet.id}`);
  const shown = await p.locator('#dissociations').innerText().catch(() => '');
  assert(shown.includes(reason), `/proposals/${quiet.id} #dissociations lacks the reason: ${shown}`);
  await p.close();
  await shot(page, 'en-desk-dissociated');
}, { needs: ['signedIn'] });

await check('desk: table a proposal with an action, then withdraw it', async () => {
  const page = deskPage;
  await open(page, '/desk');
  const id = `browser-withdraw-${Date.now() % 1_000_000}`;
  const form = page.locator('form[data-act="proposal.submit"]');
  await form.locator('[name="id"]').fill(id);
  await form.locator('[name="title"]').fill('Browser test: a proposal to withdraw');
  await form.locator('[name="text"]').fill('Tabled and withdrawn by the browser test.');
  await form.locator('[name="question"]').selectOption('important');
  await form.locator('[name="procedure"]').selectOption('vote');
  const closes = new Date(Date.now() + 5 * 86_400_000);
  const local = new Date(closes.getTime() - closes.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await form.locator('[name="closes"]').fill(local);
  const action = { type: 'rules.change', rules: { min_vote_seconds: 0 } };
  await form.locator('[name="action"]').fill(JSON.stringify(action, null, 2));
  await form.locator('button[type=submit]').click();
  const tabled = form.locator('.act-result a[href^="/entries/"]');
  await tabled.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    fail(`no entry link after tabling; the form says: ${await form.locator('.act-result').innerText()}`);
  });
  const record = await (await desk.request.get(`/api/v1/proposals/${id}`)).json();
  assert(
    record.action?.type === 'rules.change' && record.action?.rules?.min_vote_seconds === 0,
    `the tabled action is ${JSON.stringify(record.action)}`,
  );
  await open(page, '/desk');
  const w = page.locator(`form[data-act="proposal.withdraw"]:has(input[name="proposal"][value="${id}"])`);
  assert((await w.count()) === 1, `no withdrawal form for ${id} on the desk`);
  await w.locator('input[type=checkbox]').check();
  await w.locator('button[type=submit]').click();
  const link = w.locator('.act-result a[href^="/entries/"]');
  await link.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    fail(`no entry link after withdrawing; the form says: ${await w.locator('.act-result').innerText()}`);
  });
  const index = Number((await link.getAttribute('href')).replace('/entries/', ''));
  const entry = await (await desk.request.get(`/api/v1/entries/${index}`)).json();
  assert(entry.statement?.type === 'proposal.withdraw', `entry ${index} is ${entry.statement?.type}`);
  assert(JSON.stringify(entry.statement.body) === JSON.stringify({ proposal: id }), `body ${JSON.stringify(entry.statement.body)}`);
  const after = await (await desk.request.get(`/api/v1/proposals/${id}`)).json();
  assert(after.status === 'withdrawn', `${id} is ${after.status} after the withdrawal`);
  await shot(page, 'en-desk-withdrawn');
}, { needs: ['signedIn'] });

await check('desk: record the state\'s names by language', async () => {
  const page = deskPage;
  await open(page, '/desk');
  const form = page.locator('form[data-act="member.rename"]');
  assert((await form.count()) === 1, 'no form[data-act="member.rename"] on the desk');
  const name = (await form.locator('[name="name"]').inputValue()).trim();
  assert(name, 'the name field is not filled in with the current name');
  const fr = `Nom d'essai ${Date.now() % 1000}`;
  await form.locator('[name="names.fr"]').fill(fr);
  await form.locator('button[type=submit]').click();
  const link = form.locator('.act-result a[href^="/entries/"]');
  await link.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    fail(`no entry link after renaming; the form says: ${await form.locator('.act-result').innerText()}`);
  });
  const index = Number((await link.getAttribute('href')).replace('/entries/', ''));
  const entry = await (await desk.request.get(`/api/v1/entries/${index}`)).json();
  assert(entry.statement?.type === 'member.rename', `entry ${index} is ${entry.statement?.type}`);
  const b = entry.statement.body;
  assert(b.name === name && b.names?.fr === fr, `body ${JSON.stringify(b)}`);
}, { needs: ['signedIn'] });

await check('desk: replace the key — a new key file saved, the rotation signed with the old key', async () => {
  const page = deskPage;
  await open(page, '/desk');
  const before = await (await desk.request.get(`/api/v1/members/${state.member}`)).json();
  const form = page.locator('form[data-act="member.key.rotate"]');
  assert((await form.count()) === 1, 'no form[data-act="member.key.rotate"] on the desk');
  await form.locator('#rotate-generate').click();
  const link = form.locator('#rotate-download');
  await link.waitFor({ state: 'visible', timeout: 10_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const file = join(DEMO, `rotated-${state.member}.key`);
  await download.saveAs(file);
  assert(download.suggestedFilename() === `${state.member}.key`, `the key file is offered as ${download.suggestedFilename()}`);
  const text = readFileSync(file, 'utf8');
  const old = readFileSync(join(DEMO, 'demo-keys', `${state.member}.key`), 'utf8');
  const shape = /^name: (\S+)\n-----BEGIN PRIVATE KEY-----\n([A-Za-z0-9+/=]+)\n-----END PRIVATE KEY-----\n$/;
  const m = shape.exec(text);
  assert(m, `the new key file is not in the key file format: ${JSON.stringify(text.slice(0, 80))}`);
  assert(m[1] === shape.exec(old)?.[1], `the new key is named ${m[1]}, the old one ${shape.exec(old)?.[1]}`);
  assert(Buffer.from(m[2], 'base64').length === 48, 'the PKCS#8 body is not the 48-byte RFC 8410 v1 encoding');
  assert(text !== old, 'the new key file is the old one');
  // Replacing needs the box ticked: the browser refuses to submit without it.
  await form.locator('button[type=submit]').click();
  assert((await form.locator('.act-result a').count()) === 0, 'the key was replaced without the "saved" box ticked');
  await form.locator('#rotate-saved').check();
  await form.locator('button[type=submit]').click();
  const entryLink = form.locator('.act-result a[href^="/entries/"]');
  await entryLink.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    fail(`no entry link after replacing the key; the form says: ${await form.locator('.act-result').innerText()}`);
  });
  const index = Number((await entryLink.getAttribute('href')).replace('/entries/', ''));
  const entry = await (await desk.request.get(`/api/v1/entries/${index}`)).json();
  assert(entry.statement?.type === 'member.key.rotate', `entry ${index} is ${entry.statement?.type}`);
  assert(entry.signature?.key_id === before.vkey.split('+')[1], `the rotation was signed by key ${entry.signature?.key_id}, not the old ${before.vkey}`);
  const after = await (await desk.request.get(`/api/v1/members/${state.member}`)).json();
  assert(after.vkey !== before.vkey && after.vkey === entry.statement.body.vkey, `the member's key is ${after.vkey}`);
  const said = await form.locator('.act-result').innerText();
  assert(said.includes(messages('en', 'desk')['desk-js-rotate-done'].slice(0, 20)), `the desk does not say the old key stopped working: ${said}`);
  await shot(page, 'en-desk-key-replaced');
  // The desk, reloaded, is signed in with the new key and can still sign.
  await page.reload({ waitUntil: 'load' });
  await page.locator('#desk-member').waitFor({ state: 'visible', timeout: 10_000 }).catch(() => fail('after the rotation the desk is not signed in'));
  const shownId = (await page.locator('#desk-key-id').innerText()).trim();
  assert(shownId === after.vkey.split('+')[1], `the desk shows key ${shownId}, not the new ${after.vkey}`);
  await page.locator('#desk-key-status.ok').waitFor({ state: 'visible', timeout: 10_000 }).catch(() => fail('the desk says this browser does not hold the new key'));
  state.newKeyFile = file;
}, { needs: ['signedIn'] });

await check('desk: the saved key file signs in on a fresh browser; the old file no longer does', async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    await open(page, '/desk');
    await page.setInputFiles('#key-file', join(DEMO, 'demo-keys', `${state.member}.key`));
    await page.locator('#sign-in').click();
    await page.locator('#signin-result.error').waitFor({ state: 'visible', timeout: 10_000 }).catch(() => fail('the old key file was not refused'));
    await page.setInputFiles('#key-file', state.newKeyFile);
    await page.locator('#sign-in').click();
    await page.locator('#desk-member').waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
      fail(`the new key file did not sign in: ${await page.locator('#signin-result').innerText()}`);
    });
  } finally {
    await ctx.close();
  }
}, { needs: ['newKeyFile'] });
// ---------------------------------------------------------------- end of the desk's other acts

await desk.close();

// 6. Without JavaScript.
const noJs = [
  ['/', 'h1'],
  [`/proposals/${PROPOSAL}`, '#tally [data-vote="yes"]'],
  ['/code/ICCIS/diff?from=1&to=2', 'ins, del, .diff'],
  ['/witnesses', '#policy-text, #recent-checkpoints'],
];
for (const [path, selector] of noJs) {
  await check(`no JavaScript: ${path} shows its content`, async () => {
    const ctx = await context({ javaScriptEnabled: false });
    try {
      const page = await ctx.newPage();
      await open(page, path);
      const h1 = (await page.locator('main#main h1').first().innerText().catch(() => '')).trim();
      assert(h1, `${path} without JavaScript: no h1 in main#main`);
      const n = await page.locator(`main#main :is(${selector})`).count();
      assert(n > 0, `${path} without JavaScript: nothing matches ${selector} in main`);
      const text = (await page.locator('main#main').innerText()).trim();
      assert(text.length > 80, `${path} without JavaScript: main holds only ${JSON.stringify(text)}`);
    } finally {
      await ctx.close();
    }
  });
}

// ---------------------------------------------------------------- the desk over HTTPS, and its refusal over plain HTTP
// The desk signs with WebCrypto Ed25519, which a page has only in a secure
// context. Chromium counts loopback as one even over plain http, so this
// browser reaches both nodes as accord.test, a name that is not loopback
// (its host resolver maps it to 127.0.0.1; nothing leaves the machine).
// Over http://accord.test the desk must say it needs HTTPS and offer no
// sign-in; over https://accord.test (the node's own TLS, --tls-url) a
// demo key signs in and the session cookie is Secure.
// Trust: the browser accepts exactly this certificate's key, by its SPKI
// SHA-256 (--ignore-certificate-errors-spki-list), rather than Playwright's
// ignoreHTTPSErrors, which would accept any certificate at all. Adding the
// certificate as a trusted root would need an NSS database under $HOME
// (certutil), which is neither simple nor this test's to touch.
if (opt['tls-url']) {
  const tls = new URL(opt['tls-url']);
  const TLS = `https://accord.test:${tls.port}`;
  const PLAIN = `http://accord.test:${new URL(BASE).port}`;
  const cert = new X509Certificate(readFileSync(opt['tls-cert']));
  const spki = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  const named = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...browserArgs(),
      '--host-resolver-rules=MAP accord.test 127.0.0.1',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
  const namedContext = async () => {
    const ctx = await named.newContext({ locale: 'en-GB' });
    ctx.setDefaultTimeout(10_000);
    return ctx;
  };

  await check('http by name: /desk over http://accord.test says it needs HTTPS, and offers no sign-in', async () => {
    const ctx = await namedContext();
    try {
      const page = await ctx.newPage();
      for (const lang of ['en', 'ar']) {
        const url = `${PLAIN}/desk?lang=${lang}`;
        await open(page, url);
        assert((await page.evaluate(() => window.isSecureContext)) === false, `${url} is a secure context: the test's premise fails`);
        const want = messages(lang, 'desk')['desk-js-insecure'];
        assert(want, `no desk-js-insecure in locales/${lang}/desk.ftl`);
        const note = page.locator('#desk-js-note');
        await page.waitForFunction((w) => document.getElementById('desk-js-note')?.textContent.trim() === w, want, { timeout: 10_000 })
          .catch(async () => fail(`${url}: #desk-js-note says ${JSON.stringify(await note.innerText().catch(() => '(none)'))}, want ${JSON.stringify(want)}`));
        assert(await note.isVisible(), `${url}: the notice that HTTPS is needed is not visible`);
        assert((await note.getAttribute('role')) === 'alert', `${url}: the notice is not role=alert`);
        assert(await page.locator('#sign-in').isDisabled(), `${url}: the sign-in button is enabled`);
        assert(await page.locator('#key-file').isDisabled(), `${url}: the key file input is enabled`);
        await shot(page, `${lang}-desk-plain-http-by-name`);
      }
      const cookies = await ctx.cookies(PLAIN);
      assert(!cookies.some((c) => c.name === 'accord_desk'), `a desk session over plain http: ${JSON.stringify(cookies)}`);
    } finally {
      await ctx.close();
    }
  });

  await check('https: the desk over https://accord.test signs in with a demo key; the session cookie is Secure', async () => {
    // A browser that was not told of this certificate refuses it.
    const stranger = await context();
    try {
      const refused = await (await stranger.newPage()).goto(`${opt['tls-url']}/desk`).then(() => null, (e) => e.message);
      assert(refused && /ERR_CERT/.test(refused), `a browser without the certificate's pin opened ${opt['tls-url']}: ${refused}`);
    } finally {
      await stranger.close();
    }
    const ctx = await namedContext();
    try {
      const page = await ctx.newPage();
      const problems = watch(page);
      const res = await open(page, `${TLS}/desk`);
      const security = await res.securityDetails();
      assert(security && /^TLS/.test(security.protocol || ''), `${TLS}/desk: no TLS security details: ${JSON.stringify(security)}`);
      assert(await page.evaluate(() => window.isSecureContext), `${TLS}/desk is not a secure context`);
      const member = 'FRA';
      // Asked by the page: Node's own requests would not resolve accord.test.
      const list = await page.evaluate(async () => (await (await fetch('/api/v1/members')).json()).members);
      const name = list.find((m) => m.id === member)?.name || member;
      await signInWithKeyFile(page, join(DEMO, 'demo-keys', `${member}.key`), member, name, problems);
      await shot(page, 'en-desk-signed-in-https');
      const cookies = await ctx.cookies(TLS);
      const session = cookies.find((c) => c.name === 'accord_desk');
      assert(session, `no accord_desk cookie after signing in over HTTPS: ${JSON.stringify(cookies)}`);
      assert(session.secure === true, `the session cookie is not Secure over HTTPS: ${JSON.stringify(session)}`);
      assert(session.httpOnly === true && session.sameSite === 'Strict', `the session cookie: ${JSON.stringify(session)}`);
      await page.reload({ waitUntil: 'load' });
      await page.locator('#desk-member').waitFor({ state: 'visible', timeout: 10_000 })
        .catch(() => fail(`after reloading ${TLS}/desk the sign-in was not kept`));
      assert(problems.length === 0, problems.join('; '));
    } finally {
      await ctx.close();
    }
  });
  await named.close();
} else {
  console.log('not run: the HTTPS checks (no --tls-url)');
}
// ---------------------------------------------------------------- end of the desk over HTTPS

await browser.close();

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\nscreenshots in ${SHOTS}; ${((Date.now() - started) / 1000).toFixed(1)}s`);
if (failed) {
  console.log('failed checks:');
  for (const r of results.filter((x) => !x.ok)) console.log(`  - ${r.name}`);
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
