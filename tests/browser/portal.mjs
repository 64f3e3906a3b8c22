// The portal in a real browser: headless Debian Chromium driven by
// playwright-core, with axe-core for accessibility.
//
// What it is: the checks a person would make by hand — every page passes
// axe-core without serious or critical violations (English and Arabic), the
// language switcher and its cookie, keyboard use (skip link, visible focus),
// a delegate signing in on /desk with a demo key and casting a vote that then
// shows on the proposal's page, the entry's inclusion proof checked in the
// browser, the pages that must work without JavaScript, and full-page
// screenshots for a person to look at.
// What it is not: a unit test of the pages (crates/accord/tests/e2e/portal_*
// fetch them over HTTP) and not a test runner framework: a small sequential
// runner below, one line per check, a closing "N passed, N failed" line, and
// exit status 1 when any check failed.
//
// Run by crates/accord/tests/e2e/browser.rs against `accord demo`:
//   node tests/browser/portal.mjs --url http://127.0.0.1:PORT \
//     --demo-dir <accord demo --dir> --screenshots target/browser-screenshots \
//     [--only <substring of check names>]
// Env: CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const LOCALES = join(HERE, '../../crates/accord-portal/locales');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    'demo-dir': { type: 'string' },
    screenshots: { type: 'string' },
    only: { type: 'string' },
  },
});
if (!opt.url || !opt['demo-dir'] || !opt.screenshots) {
  console.error('usage: node portal.mjs --url URL --demo-dir DIR --screenshots DIR [--only NAME]');
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
];
/** Pages also checked in Arabic. */
const ARABIC = ['/', '/proposals', `/proposals/${PROPOSAL}`, '/desk', '/code/ICCIS/diff?from=1&to=2', '/members', '/log'];

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

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
});

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

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
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

// 1 and 7: every page in English, some in Arabic: frame, axe, screenshot.
for (const [path, name] of PAGES) {
  await check(`axe en ${path}`, () => auditPage(path, name, 'en'));
}
for (const path of ARABIC) {
  const name = PAGES.find(([p]) => p === path)[1];
  await check(`axe ar ${path}`, () => auditPage(path, name, 'ar'));
}
for (const { ctx } of Object.values(auditTabs)) await ctx.close();

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

await check('desk: sign in with a demo key file', async () => {
  deskPage = await desk.newPage();
  const problems = watch(deskPage);
  await open(deskPage, '/desk');
  assert(await deskPage.locator('#key-file').count(), '/desk has no key file input #key-file');
  await deskPage.setInputFiles('#key-file', join(DEMO, 'demo-keys', `${state.member}.key`));
  await deskPage.locator('#sign-in').click();
  const who = deskPage.locator('#desk-member');
  await who.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    const err = await deskPage.locator('.error, [role=alert]').allInnerTexts().catch(() => []);
    fail(`no visible #desk-member after signing in as ${state.member}; page says: ${err.join(' | ') || '(nothing)'}; ${problems.join('; ')}`);
  });
  const text = await who.innerText();
  assert(
    text.includes(state.member) || text.includes(state.memberName),
    `#desk-member says ${JSON.stringify(text)}, naming neither ${state.member} nor ${state.memberName}`,
  );
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
