// desk.js — the delegate's desk (crates/accord-portal/src/desk.rs).
//
// Sign-in: the key file is read here, imported with WebCrypto Ed25519,
// checked against the member's registered vkey (/api/v1/members/{id}),
// then re-imported as a NON-extractable CryptoKey and kept in IndexedDB
// (database "accord", store "keys") so later visits need no file. The
// private key never leaves the browser: the node only ever receives
// signatures. A challenge from the node (POST /desk/challenge) is signed as
// a C2SP signed note and posted to /desk/session, which sets the session
// cookie.
//
// Acts: each form[data-act] becomes a statement (accord/statement/v1, then
// one line of RFC 8785 JSON {"body","member","seq","time","type"}), signed
// with the kept key and POSTed to /api/v1/statements. The outcome (the log
// entry, or the node's refusal) is shown in the form's .act-result region.
//
// Browsers without Ed25519 in WebCrypto, and pages not in a secure context
// (plain HTTP other than localhost, where crypto.subtle does not exist):
// nothing can be signed. The forms stay disabled and the page says so,
// pointing to the command line (accord submit, accord vote). There is
// deliberately no Ed25519 written in JavaScript to fall back on: it would
// be a second signer to trust, and its key would be readable by script.
//
// Every string shown comes from the page (#desk-i18n), in its language.
'use strict';

(function () {
  const root = document.getElementById('desk');
  const stringsEl = document.getElementById('desk-i18n');
  if (!root || !stringsEl) return;
  const T = JSON.parse(stringsEl.textContent);
  const ORIGIN = root.dataset.origin;
  const MEMBER = root.dataset.member || null;
  const KEY_PREFIX = ORIGIN + '/members/';
  const enc = new TextEncoder();

  // ---- bytes ----------------------------------------------------------

  function b64(bytes) {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }

  function unb64(s) {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function unb64url(s) {
    let t = s.replace(/-/g, '+').replace(/_/g, '/');
    while (t.length % 4) t += '=';
    return unb64(t);
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function unhex(s) {
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function sameBytes(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  // ---- RFC 8785 (JCS) ---------------------------------------------------
  // Keys sorted by UTF-16 code units (what Array.prototype.sort does with
  // strings); strings as JSON.stringify writes them, which is JCS's escaping.
  // Statements here carry integers only, which JSON.stringify writes as JCS
  // does; anything else is refused rather than risked.

  function canonical(v) {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new Error('only integers are written here');
      return JSON.stringify(v);
    }
    if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
    const keys = Object.keys(v).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }

  // `2026-11-25T18:00:00Z`: whole seconds, the statement's one spelling.
  function utcSeconds(ms) {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  // ---- errors shown to the user -----------------------------------------

  class DeskError extends Error {
    // `key`: a string of T; `problem`: an RFC 9457 body from the node.
    constructor(key, problem) {
      super(key || (problem && problem.code) || 'error');
      this.key = key;
      this.problem = problem || null;
    }
  }

  async function problemOf(res) {
    try {
      const p = await res.json();
      if (p && typeof p === 'object') return p;
    } catch (e) {
      // Not JSON: fall through.
    }
    return { status: res.status, detail: res.status + ' ' + res.statusText };
  }

  function para(text, cls) {
    const p = document.createElement('p');
    p.textContent = text;
    if (cls) p.className = cls;
    return p;
  }

  // Shows a failure in `region`: `lead`, then what the node said.
  function showError(region, lead, err) {
    region.replaceChildren();
    region.classList.remove('ok');
    region.classList.add('error');
    if (err instanceof DeskError && err.key) {
      region.append(para(T[err.key]));
      return;
    }
    if (!(err instanceof DeskError)) {
      region.append(para(T.network));
      return;
    }
    const p = err.problem;
    region.append(para(T[lead]));
    if (p.code && T['code-' + p.code]) region.append(para(T['code-' + p.code]));
    if (p.detail) {
      // The node's details are in English, whatever the page's language.
      const d = para(T.detail + ' ');
      const span = document.createElement('span');
      span.lang = 'en';
      span.dir = 'ltr';
      span.textContent = p.detail;
      d.append(span);
      region.append(d);
    }
    if (p.code) {
      const c = para(T.code + ' ');
      const code = document.createElement('code');
      code.textContent = p.code;
      c.append(code);
      region.append(c);
    }
  }

  function showText(region, text, cls) {
    region.replaceChildren(para(text));
    region.classList.remove('ok', 'error');
    if (cls) region.classList.add(cls);
  }

  // ---- keys ---------------------------------------------------------------

  // SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4].
  async function keyId(name, pub) {
    const data = concat(enc.encode(name), new Uint8Array([0x0a, 0x01]), pub);
    return new Uint8Array(await crypto.subtle.digest('SHA-256', data)).slice(0, 4);
  }

  // `name: <origin>/members/<ID>` then a PKCS#8 PEM.
  function parseKeyFile(text) {
    const m = /^name:[ \t]*(\S+)[ \t]*\r?\n([\s\S]*)$/.exec(text);
    if (!m) return null;
    const pem = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(m[2]);
    if (!pem) return null;
    try {
      return { name: m[1], der: unb64(pem[1].replace(/\s+/g, '')) };
    } catch (e) {
      return null;
    }
  }

  // `name+hexid+base64(0x01 ‖ public key)`.
  function parseVkey(vkey) {
    // The base64 part may itself hold '+': split at the first two only.
    const m = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(String(vkey));
    if (!m) return null;
    try {
      const raw = unb64(m[3]);
      if (raw.length !== 33 || raw[0] !== 0x01) return null;
      return { name: m[1], id: m[2], pub: raw.slice(1) };
    } catch (e) {
      return null;
    }
  }

  async function fetchMember(id) {
    let res;
    try {
      res = await fetch('/api/v1/members/' + encodeURIComponent(id), { cache: 'no-store' });
    } catch (e) {
      throw new DeskError('network');
    }
    if (res.status === 404) throw new DeskError('unknown-member');
    if (!res.ok) throw new DeskError(null, await problemOf(res));
    return res.json();
  }

  // Reads a key file and checks it against the member's registered key;
  // returns a record holding a non-extractable key (not yet stored).
  async function importKeyFile(file) {
    const kf = parseKeyFile(await file.text());
    if (!kf) throw new DeskError('bad-file');
    if (!kf.name.startsWith(KEY_PREFIX)) throw new DeskError('other-body');
    const member = kf.name.slice(KEY_PREFIX.length);
    if (!/^([A-Z][A-Z0-9]{1,15}|secretariat)$/.test(member)) throw new DeskError('bad-file');
    let pub;
    try {
      // Extractable only for this moment, to learn the public key (JWK x).
      const once = await crypto.subtle.importKey('pkcs8', kf.der, { name: 'Ed25519' }, true, ['sign']);
      pub = unb64url((await crypto.subtle.exportKey('jwk', once)).x);
    } catch (e) {
      throw new DeskError('bad-file');
    }
    const registered = parseVkey((await fetchMember(member)).vkey);
    const id = await keyId(kf.name, pub);
    if (!registered || registered.name !== kf.name || !sameBytes(registered.pub, pub) || registered.id !== hex(id)) {
      throw new DeskError('key-mismatch');
    }
    const key = await crypto.subtle.importKey('pkcs8', kf.der, { name: 'Ed25519' }, false, ['sign']);
    kf.der.fill(0);
    return { name: kf.name, member, keyId: hex(id), pub: b64(pub), key };
  }

  // A C2SP signed note: text, blank line, `— <name> <base64(key ID ‖ sig)>`.
  async function signNote(rec, text) {
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, rec.key, enc.encode(text)));
    return text + '\n\u2014 ' + rec.name + ' ' + b64(concat(unhex(rec.keyId), sig)) + '\n';
  }

  // ---- IndexedDB: database "accord", store "keys" (by key name) ------------

  function openDb() {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open('accord', 1);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains('keys')) r.result.createObjectStore('keys', { keyPath: 'name' });
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }

  async function keys(mode, op) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction('keys', mode);
        const req = op(tx.objectStore('keys'));
        let result;
        req.onsuccess = () => {
          result = req.result;
        };
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const getKey = (name) => keys('readonly', (s) => s.get(name));
  const allKeys = () => keys('readonly', (s) => s.getAll());
  const putKey = (rec) => keys('readwrite', (s) => s.put(rec));
  const deleteKey = (name) => keys('readwrite', (s) => s.delete(name));

  // ---- sign-in ------------------------------------------------------------

  async function post(path, body) {
    const init = { method: 'POST', credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      init.headers = { 'Content-Type': 'text/plain' };
      init.body = body;
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new DeskError('network');
    }
    if (!res.ok) throw new DeskError(null, await problemOf(res));
    return res;
  }

  async function signIn(rec) {
    const challenge = await (await post('/desk/challenge')).json();
    await post('/desk/session', await signNote(rec, challenge.text));
  }

  async function withSignIn(region, button, rec) {
    button.disabled = true;
    showText(region, T.signing);
    try {
      const r = await rec();
      await signIn(r);
      // Without IndexedDB the sign-in still holds; the desk then says
      // that this browser does not hold the key.
      await putKey(r).catch(() => undefined);
      showText(region, T['signed-in'], 'ok');
      window.location.reload();
    } catch (err) {
      showError(region, 'signin-failed', err);
      button.disabled = false;
    }
  }

  async function setUpSignIn() {
    const form = document.getElementById('signin-form');
    const file = document.getElementById('key-file');
    const button = document.getElementById('sign-in');
    const region = document.getElementById('signin-result');
    if (!form || !file || !button || !region) return;
    file.disabled = false;
    button.disabled = false;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = file.files && file.files[0];
      if (!f) {
        showText(region, T['choose-file'], 'error');
        return;
      }
      withSignIn(region, button, () => importKeyFile(f));
    });
    await listStoredKeys(region);
  }

  async function listStoredKeys(region) {
    const box = document.getElementById('desk-stored');
    const list = document.getElementById('desk-stored-list');
    if (!box || !list) return;
    let stored = [];
    try {
      stored = (await allKeys()).filter((r) => r.name.startsWith(KEY_PREFIX));
    } catch (e) {
      return;
    }
    list.replaceChildren();
    for (const rec of stored) {
      const li = document.createElement('li');
      const use = document.createElement('button');
      use.type = 'button';
      use.textContent = T['stored-signin'].replace('{member}', rec.member);
      use.addEventListener('click', () => withSignIn(region, use, async () => rec));
      const forget = document.createElement('button');
      forget.type = 'button';
      forget.className = 'secondary';
      forget.textContent = T.forget.replace('{member}', rec.member);
      forget.addEventListener('click', async () => {
        await deleteKey(rec.name);
        showText(region, T.forgotten, 'ok');
        await listStoredKeys(region);
      });
      li.append(use, ' ', forget);
      list.append(li);
    }
    box.hidden = stored.length === 0;
  }

  // ---- the desk -------------------------------------------------------------

  // Reads a form's fields into a statement body (PROTOCOL.md §5): optional
  // fields left empty are omitted; `data-kind="int"` is a number,
  // `data-kind="utc"` a datetime-local turned into UTC whole seconds,
  // `data-kind="json"` a JSON value (as `accord propose --action` takes it),
  // `data-map="names" data-key="fr"` the entry "fr" of the object "names".
  function bodyOf(form) {
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.tagName === 'BUTTON' || el.tagName === 'FIELDSET') continue;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
      let v = el.value;
      if (el.dataset.map) {
        // One entry of an object field (a name by language): left empty,
        // the entry is not given; with no entry, the field is omitted.
        if (v.trim() === '') continue;
        body[el.dataset.map] = body[el.dataset.map] || {};
        body[el.dataset.map][el.dataset.key] = v;
        continue;
      }
      if (el.dataset.kind === 'utc') {
        const ms = new Date(v).getTime();
        if (!v || Number.isNaN(ms)) throw new DeskError('bad-closes');
        v = utcSeconds(ms);
      } else if (el.dataset.kind === 'int') {
        v = Number(v);
      } else if (el.dataset.kind === 'json') {
        // An optional object written as JSON (a proposal's action).
        if (v.trim() === '' && 'optional' in el.dataset) continue;
        try {
          v = JSON.parse(v);
        } catch (e) {
          throw new DeskError('bad-json');
        }
      } else if (v.trim() === '' && 'optional' in el.dataset) {
        continue;
      }
      body[el.name] = v;
    }
    return body;
  }

  // Builds, signs and sends one statement; on `replayed-seq` (another act
  // of the member got in first) tries once more with a fresh seq.
  async function send(rec, type, body) {
    for (let attempt = 0; ; attempt++) {
      const seq = (await fetchMember(MEMBER)).last_seq + 1;
      const json = canonical({ body, member: MEMBER, seq, time: utcSeconds(Date.now()), type });
      const note = await signNote(rec, 'accord/statement/v1\n' + json + '\n');
      let res;
      try {
        res = await fetch('/api/v1/statements', {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain' },
          body: note,
          cache: 'no-store',
        });
      } catch (e) {
        throw new DeskError('network');
      }
      if (res.status === 201) return res.json();
      const p = await problemOf(res);
      if (p.code === 'replayed-seq' && attempt === 0) continue;
      throw new DeskError(null, p);
    }
  }

  function controls(form) {
    return form.querySelectorAll('input, select, textarea, button');
  }

  // Acts on one ballot are done once; the others may be used again.
  const ONCE = [
    'vote.cast',
    'silence.object',
    'silence.dissociate',
    'proposal.cosponsor',
    'proposal.withdraw-cosponsor',
    'proposal.withdraw',
    'code.unsubscribe',
  ];

  // `held.rec`: the member's key record, replaced when the key is.
  function setUpAct(form, held) {
    const region = form.querySelector('.act-result');
    controls(form).forEach((el) => {
      el.disabled = false;
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      showText(region, T.signing);
      try {
        const receipt = await send(held.rec, form.dataset.act, bodyOf(form));
        region.replaceChildren(recordedAt(receipt.index));
        region.classList.remove('error');
        region.classList.add('ok');
        // A form showing what the log holds keeps what was just sent.
        if (form.dataset.act === 'member.rename') {
          if (button) button.disabled = false;
          return;
        }
        if (ONCE.includes(form.dataset.act)) {
          controls(form).forEach((el) => {
            el.disabled = true;
          });
          return;
        }
        form.reset();
      } catch (err) {
        showError(region, 'refused', err);
      }
      if (button) button.disabled = false;
    });
  }

  async function setUpDesk() {
    const status = document.getElementById('desk-key-status');
    const shownId = document.getElementById('desk-key-id');
    const name = KEY_PREFIX + MEMBER;
    const signOut = document.getElementById('sign-out-form');
    if (signOut) {
      signOut.addEventListener('submit', async (ev) => {
        if (!ev.submitter || ev.submitter.id !== 'sign-out-forget') return;
        ev.preventDefault();
        try {
          await deleteKey(name);
        } finally {
          signOut.submit();
        }
      });
    }
    let rec = null;
    try {
      rec = await getKey(name);
    } catch (e) {
      rec = null;
    }
    // A key kept from before a rotation is not the member's key any more.
    if (!rec || (shownId && shownId.textContent.trim() !== rec.keyId)) {
      if (status) showText(status, T['no-key'], 'error');
      return;
    }
    if (status) showText(status, T['has-key'], 'ok');
    const held = { rec };
    document.querySelectorAll('form[data-act]').forEach((form) => {
      if (form.dataset.act === 'member.key.rotate') setUpRotate(form, held);
      else setUpAct(form, held);
    });
  }

  // "Recorded in the public log: entry N", linked to the entry.
  function recordedAt(index) {
    const p = para(T.recorded + ' ');
    const a = document.createElement('a');
    a.setAttribute('href', '/entries/' + index);
    a.textContent = T.entry.replace('{index}', String(index));
    p.append(a);
    return p;
  }

  // ---- replacing the key (member.key.rotate) --------------------------------
  // A new Ed25519 key is generated here, extractable only so that its key
  // file can be saved: `name: <key name>`, then the PKCS#8 (RFC 8410 v1)
  // DER in base64 on one line between the PEM markers, as accord keygen
  // writes it and as the sign-in above reads it. The statement
  // {"vkey": "<name>+<hex key ID>+<base64(0x01 ‖ public key)>"} is signed
  // with the CURRENT key (PROTOCOL.md §1, §5). Once it is recorded the old
  // key no longer signs anything: the new key replaces it in IndexedDB (as
  // a non-extractable key) and the desk signs in again with it.
  function setUpRotate(form, held) {
    const region = form.querySelector('.act-result');
    const make = form.querySelector('#rotate-generate');
    const saved = form.querySelector('#rotate-saved');
    const box = form.querySelector('#rotate-file');
    const link = form.querySelector('#rotate-download');
    const submit = form.querySelector('button[type="submit"]');
    if (!region || !make || !saved || !box || !link || !submit) return;
    let fresh = null;
    controls(form).forEach((el) => {
      el.disabled = false;
    });
    make.addEventListener('click', async () => {
      try {
        const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
        const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
        const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
        const name = held.rec.name;
        const text = 'name: ' + name + '\n-----BEGIN PRIVATE KEY-----\n' + b64(der) + '\n-----END PRIVATE KEY-----\n';
        const key = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
        der.fill(0);
        const id = hex(await keyId(name, pub));
        if (fresh) URL.revokeObjectURL(fresh.url);
        fresh = {
          rec: { name, member: held.rec.member, keyId: id, pub: b64(pub), key },
          vkey: name + '+' + id + '+' + b64(concat(new Uint8Array([0x01]), pub)),
          url: URL.createObjectURL(new Blob([text], { type: 'application/octet-stream' })),
        };
        link.href = fresh.url;
        box.hidden = false;
        saved.checked = false;
        showText(region, T['rotate-made']);
      } catch (e) {
        showText(region, T.unsupported, 'error');
      }
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!fresh) {
        showText(region, T['rotate-save-first'], 'error');
        return;
      }
      submit.disabled = true;
      make.disabled = true;
      showText(region, T.signing);
      try {
        const receipt = await send(held.rec, 'member.key.rotate', { vkey: fresh.vkey });
        held.rec = fresh.rec;
        // Without IndexedDB the new key still signs on this page; the file
        // signs in elsewhere.
        await putKey(fresh.rec).catch(() => undefined);
        // The old key's session ended with it: open one for the new key.
        await signIn(fresh.rec).catch(() => undefined);
        const shownId = document.getElementById('desk-key-id');
        if (shownId) shownId.textContent = fresh.rec.keyId;
        region.replaceChildren(para(T['rotate-done']), recordedAt(receipt.index));
        region.classList.remove('error');
        region.classList.add('ok');
        saved.disabled = true;
      } catch (err) {
        showError(region, 'refused', err);
        submit.disabled = false;
        make.disabled = false;
      }
    });
  }

  // ---- start ----------------------------------------------------------------

  async function support() {
    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) return 'insecure';
    try {
      await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      return 'ok';
    } catch (e) {
      return 'unsupported';
    }
  }

  async function start() {
    const note = document.getElementById('desk-js-note');
    const s = await support();
    if (s !== 'ok') {
      // Forms stay disabled: nothing can be signed in this browser.
      if (note) {
        note.textContent = T[s];
        note.setAttribute('role', 'alert');
      }
      return;
    }
    if (note) note.hidden = true;
    if (MEMBER) await setUpDesk();
    else await setUpSignIn();
  }

  start();
})();
