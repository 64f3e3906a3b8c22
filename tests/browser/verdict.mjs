// The verdict of an entry page's in-browser proof check (verify.js), read
// from the page: for portal.mjs, and for any e2e test that must see the
// browser refuse a checkpoint (a split view, a checkpoint without its
// witness quorum).
//
// As a module:
//   import { entryVerdict } from './verdict.mjs';
//   const v = await entryVerdict(page, '/entries/3');
//   // v = { pass, verified, quorum, cosignatures, needed, cosigners, text }
// `page` is a playwright-core Page whose context has the node's baseURL
// (or give a full URL). `pass` is true only when verify.js says
// data-verified="true" (the proof, the log's signature and the witness
// quorum all hold); `verified` is the raw state ("true", "false",
// "partial", "unavailable"); `quorum` is "met", "not-met", "none" or null
// (not reached); `cosignatures` and `needed` are numbers or null;
// `cosigners` the policy names (member ids) whose cosignature verified;
// `text` what #proof-result says, as a reader sees it.
//
// As a command (prints that object as one JSON line, exits 0 whatever the
// verdict, 2 on a usage error, 1 when the page cannot be checked at all):
//   CHROMIUM=/usr/bin/chromium node tests/browser/verdict.mjs \
//     --url http://127.0.0.1:PORT --entry 3 [--lang en]

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Opens `path` (an entry page) and waits for verify.js's verdict. */
export async function entryVerdict(page, path, { timeout = 15_000 } = {}) {
  const res = await page.goto(path, { waitUntil: 'load' });
  if (!res || res.status() !== 200) {
    throw new Error(`${path} answered ${res ? res.status() : 'nothing'}`);
  }
  await page.waitForFunction(
    () => {
      const e = document.getElementById('proof-result');
      return e && e.hasAttribute('data-verified');
    },
    null,
    { timeout },
  );
  return page.evaluate(() => {
    const e = document.getElementById('proof-result');
    const num = (name) => (e.hasAttribute(name) ? Number(e.getAttribute(name)) : null);
    return {
      pass: e.getAttribute('data-verified') === 'true',
      verified: e.getAttribute('data-verified'),
      quorum: e.getAttribute('data-quorum'),
      cosignatures: num('data-cosignatures'),
      needed: num('data-needed'),
      cosigners: [...e.querySelectorAll('#proof-cosigners code')].map((c) => c.textContent),
      text: e.innerText.trim(),
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: opt } = parseArgs({
    options: { url: { type: 'string' }, entry: { type: 'string' }, lang: { type: 'string' } },
  });
  if (!opt.url || !/^[0-9]+$/.test(opt.entry || '')) {
    console.error('usage: node verdict.mjs --url URL --entry N [--lang xx]');
    process.exit(2);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await (await browser.newContext({ baseURL: opt.url.replace(/\/$/, '') })).newPage();
    const path = `/entries/${opt.entry}${opt.lang ? `?lang=${opt.lang}` : ''}`;
    console.log(JSON.stringify(await entryVerdict(page, path)));
  } catch (e) {
    console.error(String((e && e.stack) || e));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
