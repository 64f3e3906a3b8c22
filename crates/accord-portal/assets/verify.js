// verify.js: checks, in the visitor's own browser, that a log entry is in
// the log that the log's key signed. It reads the page's
// <script type="application/json" id="proof-data"> block (entry bytes,
// leaf index, tree size, inclusion proof, checkpoint note, log vkey),
// then with WebCrypto:
//   1. recomputes the leaf hash, SHA-256(0x00 || entry bytes) (RFC 9162),
//   2. folds the inclusion proof into a root (RFC 9162 §2.1.3.2) and
//      compares it with the root in the signed checkpoint,
//   3. verifies the checkpoint's Ed25519 signature (C2SP signed note) with
//      the log's public key, by Accord's strict rule: the key and the
//      signature's R and s are checked here, the equation by WebCrypto,
//   4. fetches the log's witness policy (/log/policy, C2SP tlog-policy),
//      verifies every cosignature line of the checkpoint by a witness it
//      lists (C2SP tlog-cosignature, cosignature/v1, same strict rule) and
//      evaluates the policy's quorum on the witnesses that cosigned.
// The outcome goes into #proof-result: data-verified="true" when all four
// hold, "unwitnessed" when the proof and the log's signature hold but the
// policy is `quorum none` (no witness vouches for the checkpoint: not a
// pass), "partial" when the proof holds but this browser cannot check
// Ed25519, "unavailable" when there is no WebCrypto here, "false" (with
// the reason) otherwise — a checkpoint the log signed but too few
// witnesses cosigned is refused, naming how many valid cosignatures there
// were and how many the policy needs. data-quorum says "met", "not-met"
// or "none", data-cosignatures and data-needed the counts. Every message
// comes from the element's data-msg-* attributes (backquoted spans shown
// as code, {count} and {needed} filled in), so this file carries no
// translations. No libraries.
(function () {
  "use strict";

  var out = document.getElementById("proof-result");
  var dataEl = document.getElementById("proof-data");
  if (!out || !dataEl) {
    return;
  }

  function msg(name) {
    return out.getAttribute("data-msg-" + name) || name;
  }

  // A message with its {name} placeholders filled in.
  function fill(text, vars) {
    return text.replace(/\{(count|needed)\}/g, function (all, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : all;
    });
  }

  // Appends `text` to `el`, its backquoted spans as <code> (as the
  // server's layout::prose does).
  function appendProse(el, text) {
    var parts = text.split("`");
    var paired = parts.length % 2 === 1;
    parts.forEach(function (part, i) {
      if (i % 2 === 1 && (paired || i + 1 < parts.length)) {
        var code = document.createElement("code");
        code.textContent = part;
        el.appendChild(code);
      } else {
        el.appendChild(document.createTextNode((i % 2 === 1 ? "`" : "") + part));
      }
    });
  }

  // A failed check, carrying the data-msg-* name of its reason (and the
  // counts of a refusal for want of a quorum).
  function Failure(reason, vars) {
    this.reason = reason;
    this.vars = vars || null;
  }

  function fail(reason, vars) {
    throw new Failure(reason, vars);
  }

  // What the witnesses made of the checkpoint: who cosigned, how many of
  // them the policy needs, and "met", "not-met" or "none".
  var quorum = null;

  // `steps`: texts already filled in.
  function show(state, summary, reason, steps) {
    out.textContent = "";
    var p = document.createElement("p");
    if (state === "false") {
      var strong = document.createElement("strong");
      strong.textContent = summary;
      p.appendChild(strong);
      p.appendChild(document.createTextNode(" "));
      appendProse(p, reason);
      p.className = "error";
    } else {
      p.textContent = summary;
      if (state === "true") {
        p.className = "ok";
      }
    }
    out.appendChild(p);
    if (steps.length > 0) {
      var ul = document.createElement("ul");
      steps.forEach(function (s) {
        var li = document.createElement("li");
        appendProse(li, s);
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    if (quorum) {
      showCosigners();
      out.setAttribute("data-quorum", quorum.state);
      out.setAttribute("data-cosignatures", String(quorum.cosigned.length));
      out.setAttribute("data-needed", String(quorum.needed));
    }
    out.setAttribute("data-verified", state);
    out.removeAttribute("aria-busy");
  }

  // "Valid cosignatures from the witnesses of: FRA, KEN" (policy names,
  // which are member ids), when there was any.
  function showCosigners() {
    if (quorum.cosigned.length === 0) {
      return;
    }
    var p = document.createElement("p");
    p.id = "proof-cosigners";
    p.appendChild(document.createTextNode(msg("cosigned-by") + " "));
    quorum.cosigned.forEach(function (name, i) {
      if (i > 0) {
        p.appendChild(document.createTextNode(", "));
      }
      var code = document.createElement("code");
      code.setAttribute("dir", "ltr");
      code.textContent = name;
      p.appendChild(code);
    });
    out.appendChild(p);
  }

  function fromBase64(s) {
    if (typeof s !== "string") {
      fail("bad-data");
    }
    var bin;
    try {
      bin = atob(s);
    } catch (e) {
      fail("bad-data");
    }
    var b = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      b[i] = bin.charCodeAt(i);
    }
    return b;
  }

  function concat(parts) {
    var n = parts.reduce(function (a, p) { return a + p.length; }, 0);
    var b = new Uint8Array(n);
    var at = 0;
    parts.forEach(function (p) {
      b.set(p, at);
      at += p.length;
    });
    return b;
  }

  function equal(a, b) {
    if (a.length !== b.length) {
      return false;
    }
    for (var i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        return false;
      }
    }
    return true;
  }

  function hex(b) {
    return Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  async function nodeHash(left, right) {
    return sha256(concat([new Uint8Array([1]), left, right]));
  }

  // RFC 9162 §2.1.3.2: the root that `proof` leads to from leaf `index`
  // of a tree of `size` leaves.
  async function foldInclusion(leaf, index, size, proof) {
    if (index >= size) {
      fail("wrong-size");
    }
    var fn = index;
    var sn = size - 1n;
    var r = leaf;
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (sn === 0n) {
        fail("proof-length");
      }
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) {
      fail("proof-length");
    }
    return r;
  }

  function bigint(v) {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      fail("bad-data");
    }
    return BigInt(v);
  }

  // A C2SP signed note: the text (up to and including the blank line's
  // first newline) and its signature lines "— name base64".
  function parseNote(note) {
    if (typeof note !== "string") {
      fail("bad-checkpoint");
    }
    var split = note.lastIndexOf("\n\n");
    if (split < 0 || note.charAt(note.length - 1) !== "\n") {
      fail("bad-checkpoint");
    }
    var text = note.slice(0, split + 1);
    var sigs = note.slice(split + 2, note.length - 1).split("\n").map(function (line) {
      var m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) {
        fail("bad-checkpoint");
      }
      var raw = fromBase64(m[2]);
      if (raw.length < 5) {
        fail("bad-checkpoint");
      }
      return { name: m[1], keyId: raw.slice(0, 4), sig: raw.slice(4) };
    });
    return { text: text, sigs: sigs };
  }

  // C2SP tlog-checkpoint body: origin, size, base64 root, extensions.
  function parseCheckpoint(text) {
    var lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) {
      fail("bad-checkpoint");
    }
    var root = fromBase64(lines[2]);
    if (root.length !== 32) {
      fail("bad-checkpoint");
    }
    return { origin: lines[0], size: BigInt(lines[1]), root: root };
  }

  // A vkey: name+<8 hex key id>+base64(alg || 32-byte Ed25519 key), alg
  // 0x01 for a log's key (signed note), 0x04 for a witness's
  // (cosignature/v1); the key id must be SHA-256(name || "\n" || alg ||
  // key)[:4]. A bad one fails the check with `reason`.
  async function parseVkey(vkey, alg, reason) {
    alg = alg || 1;
    reason = reason || "bad-key";
    var m = typeof vkey === "string" ? /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey) : null;
    if (!m) {
      fail(reason);
    }
    var raw;
    try {
      raw = fromBase64(m[3]);
    } catch (e) {
      fail(reason);
    }
    if (raw.length !== 33 || raw[0] !== alg) {
      fail(reason);
    }
    var name = new TextEncoder().encode(m[1]);
    var id = (await sha256(concat([name, new Uint8Array([10]), raw]))).slice(0, 4);
    if (hex(id) !== m[2]) {
      fail(reason);
    }
    if (!strongKey(raw.slice(1))) {
      fail(reason);
    }
    return { name: m[1], id: id, pub: raw.slice(1) };
  }

  // ---- the witness policy (C2SP tlog-policy) -------------------------------
  // Lines of fields separated by spaces and tabs; blank and # lines
  // ignored; `log <vkey> [<url>]`, `witness <name> <vkey> [<url>]`,
  // `group <name> all|any|<k> <name>...` (names defined on earlier lines,
  // none twice, 1 <= k <= n), exactly one `quorum <name>|none`. Witnesses
  // and groups share one namespace, in which `none` is no name.
  async function parsePolicy(text) {
    if (typeof text !== "string" || text.length > 65536 || /[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
      fail("bad-policy");
    }
    var p = { logs: [], witnesses: [], groups: [], quorum: null };
    var names = new Set();
    var seenQuorum = false;
    var define = function (name) {
      if (name === "none" || names.has(name)) {
        fail("bad-policy");
      }
      names.add(name);
    };
    var lines = text.split("\n");
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].replace(/^[ \t]+|[ \t]+$/g, "");
      if (line === "" || line.charAt(0) === "#") {
        continue;
      }
      var f = line.split(/[ \t]+/);
      if (f[0] === "log" && (f.length === 2 || f.length === 3)) {
        p.logs.push(await parseVkey(f[1], 1, "bad-policy"));
      } else if (f[0] === "witness" && (f.length === 3 || f.length === 4)) {
        var key = await parseVkey(f[2], 4, "bad-policy");
        if (p.witnesses.some(function (w) { return equal(w.key.pub, key.pub); })) {
          fail("bad-policy");
        }
        define(f[1]);
        p.witnesses.push({ name: f[1], key: key });
      } else if (f[0] === "group" && f.length >= 4) {
        var members = f.slice(3);
        var listed = new Set();
        members.forEach(function (m) {
          if (m === "none" || !names.has(m) || listed.has(m)) {
            fail("bad-policy");
          }
          listed.add(m);
        });
        var k;
        if (f[2] === "all") {
          k = members.length;
        } else if (f[2] === "any") {
          k = 1;
        } else if (/^[1-9][0-9]{0,5}$/.test(f[2]) && Number(f[2]) <= members.length) {
          k = Number(f[2]);
        } else {
          fail("bad-policy");
        }
        define(f[1]);
        p.groups.push({ name: f[1], k: k, members: members });
      } else if (f[0] === "quorum" && f.length === 2 && !seenQuorum) {
        seenQuorum = true;
        if (f[1] !== "none" && !names.has(f[1])) {
          fail("bad-policy");
        }
        p.quorum = f[1] === "none" ? null : f[1];
      } else {
        fail("bad-policy");
      }
    }
    if (!seenQuorum) {
      fail("bad-policy");
    }
    return p;
  }

  // Is the quorum met when exactly the witnesses named in `cosigned` (a
  // Set) cosigned? Groups name only earlier definitions: one pass does.
  function satisfied(policy, cosigned) {
    if (policy.quorum === null) {
      return true;
    }
    var met = new Map();
    policy.witnesses.forEach(function (w) { met.set(w.name, cosigned.has(w.name)); });
    policy.groups.forEach(function (g) {
      var n = g.members.filter(function (m) { return met.get(m) === true; }).length;
      met.set(g.name, n >= g.k);
    });
    return met.get(policy.quorum) === true;
  }

  // The fewest cosignatures that can meet the quorum: the smallest set of
  // witnesses that satisfies it, searched by size (policies are small; past
  // a budget, the count of a quorum read as if no group shared a member).
  function needed(policy) {
    if (policy.quorum === null) {
      return 0;
    }
    var names = policy.witnesses.map(function (w) { return w.name; });
    var budget = 200000;
    for (var size = 1; size <= names.length; size++) {
      var pick = [];
      for (var j = 0; j < size; j++) { pick.push(j); }
      for (;;) {
        if (--budget < 0) {
          return disjointNeed(policy, policy.quorum);
        }
        if (satisfied(policy, new Set(pick.map(function (x) { return names[x]; })))) {
          return size;
        }
        var at = size - 1;
        while (at >= 0 && pick[at] === names.length - size + at) { at--; }
        if (at < 0) { break; }
        pick[at]++;
        for (var t = at + 1; t < size; t++) { pick[t] = pick[t - 1] + 1; }
      }
    }
    return disjointNeed(policy, policy.quorum);
  }

  function disjointNeed(policy, name) {
    var g = policy.groups.find(function (x) { return x.name === name; });
    if (!g) {
      return 1;
    }
    var each = g.members.map(function (m) { return disjointNeed(policy, m); }).sort(function (a, b) { return a - b; });
    return each.slice(0, g.k).reduce(function (a, b) { return a + b; }, 0);
  }

  // The policy this site serves, as text and the checkpoint size it
  // holds at (header accord-policy-size).
  async function fetchPolicy() {
    var res;
    try {
      res = await fetch(out.getAttribute("data-policy") || "/log/policy", {
        cache: "no-store",
        credentials: "omit",
        headers: { Accept: "text/plain" },
      });
    } catch (e) {
      fail("policy-unavailable");
    }
    var size = res.headers.get("accord-policy-size");
    if (!res.ok || size === null || !/^(0|[1-9][0-9]*)$/.test(size)) {
      fail("policy-unavailable");
    }
    out.setAttribute("data-policy-size", size);
    return { text: await res.text(), size: BigInt(size) };
  }

  // The names of the policy's witnesses whose cosignature line on `note`
  // is valid: key name and key ID of a listed witness, 8-byte big-endian
  // timestamp (1 ... 2^63 - 1) and Ed25519 over cosignature/v1. Null when
  // this browser has no Ed25519.
  async function cosigners(policy, note) {
    var found = [];
    for (var i = 0; i < policy.witnesses.length; i++) {
      var w = policy.witnesses[i];
      var lines = note.sigs.filter(function (s) { return s.name === w.key.name && equal(s.keyId, w.key.id); });
      for (var j = 0; j < lines.length; j++) {
        var raw = lines[j].sig;
        if (raw.length !== 72) {
          continue;
        }
        var ts = 0n;
        for (var b = 0; b < 8; b++) { ts = (ts << 8n) | BigInt(raw[b]); }
        if (ts === 0n || ts > (1n << 63n) - 1n) {
          continue;
        }
        var message = new TextEncoder().encode("cosignature/v1\ntime " + ts.toString() + "\n" + note.text);
        var ok = await ed25519Verify(w.key.pub, raw.slice(8), message);
        if (ok === null) {
          return null;
        }
        if (ok) {
          found.push(w.name);
          break;
        }
      }
    }
    return found;
  }

  // ---- Ed25519 under Accord's strict rule (accord-log/src/ed25519.rs) ----
  // WebCrypto checks the cofactorless equation; the checks every Accord
  // verifier adds are made here first: the key is canonical, not of small
  // order and torsion-free; s < L; R canonical and not of small order.
  var P = (1n << 255n) - 19n;
  var L = (1n << 252n) + 27742317777372353535851937790883648493n;
  function mod(a) { var r = a % P; return r < 0n ? r + P : r; }
  function pow(b, e) {
    var r = 1n;
    b = mod(b);
    while (e > 0n) {
      if (e & 1n) { r = mod(r * b); }
      b = mod(b * b);
      e >>= 1n;
    }
    return r;
  }
  var D = mod(-121665n * pow(121666n, P - 2n));
  var SQRT_M1 = pow(2n, (P - 1n) / 4n);
  function le(bytes) {
    var n = 0n;
    for (var i = bytes.length - 1; i >= 0; i--) { n = (n << 8n) | BigInt(bytes[i]); }
    return n;
  }
  // The point an encoding stands for, or null when it is not a canonical
  // encoding of a point.
  function decode(enc) {
    var sign = enc[31] >> 7;
    var y = le(enc) & ((1n << 255n) - 1n);
    if (y >= P) { return null; }
    var y2 = mod(y * y);
    var x2 = mod((y2 - 1n) * pow(D * y2 + 1n, P - 2n));
    var x = pow(x2, (P + 3n) / 8n);
    if (mod(x * x) !== x2) { x = mod(x * SQRT_M1); }
    if (mod(x * x) !== x2) { return null; }
    if (x === 0n && sign === 1) { return null; }
    if (Number(x & 1n) !== sign) { x = P - x; }
    return [x, y, 1n, mod(x * y)];
  }
  // Extended coordinates, a = -1 (RFC 8032 §5.1.4).
  function add(p, q) {
    var a = mod((p[1] - p[0]) * (q[1] - q[0])), b = mod((p[1] + p[0]) * (q[1] + q[0]));
    var c = mod(2n * D * p[3] * q[3]), dd = mod(2n * p[2] * q[2]);
    var e = b - a, f = dd - c, g = dd + c, h = b + a;
    return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
  }
  function mul(n, p) {
    var r = [0n, 1n, 1n, 0n];
    while (n > 0n) {
      if (n & 1n) { r = add(r, p); }
      p = add(p, p);
      n >>= 1n;
    }
    return r;
  }
  function isIdentity(p) { return p[0] === 0n && mod(p[1] - p[2]) === 0n; }
  function smallOrder(p) { return isIdentity(mul(8n, p)); }
  // A key Accord would accept: canonical, not of small order, torsion-free.
  function strongKey(pub) {
    var a = decode(pub);
    return a !== null && !smallOrder(a) && isIdentity(mul(L, a));
  }
  // s < L, and R canonical and not of small order.
  function strictSignature(sig) {
    if (sig.length !== 64 || le(sig.slice(32)) >= L) { return false; }
    var r = decode(sig.slice(0, 32));
    return r !== null && !smallOrder(r);
  }

  // Resolves true or false, or null when this browser has no Ed25519.
  async function ed25519Verify(pub, sig, text) {
    if (!strictSignature(sig)) {
      return false;
    }
    var key;
    try {
      key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return null;
    }
    try {
      return await crypto.subtle.verify({ name: "Ed25519" }, key, sig, text);
    } catch (e) {
      return false;
    }
  }

  async function check() {
    var d;
    try {
      d = JSON.parse(dataEl.textContent);
    } catch (e) {
      fail("bad-data");
    }
    if (!d || !Array.isArray(d.inclusion)) {
      fail("bad-data");
    }
    var bytes = fromBase64(d.entry);
    var index = bigint(d.index);
    var size = bigint(d.size);
    var proof = d.inclusion.map(function (h) {
      var b = fromBase64(h);
      if (b.length !== 32) {
        fail("bad-data");
      }
      return b;
    });
    var steps = [];
    // Asked for now, awaited after the log's signature.
    var policyText = fetchPolicy();
    policyText.catch(function () {});

    // What the page shows is what is checked.
    var shown = document.getElementById("entry-text");
    if (shown && shown.textContent !== new TextDecoder().decode(bytes)) {
      fail("text-differs");
    }
    var leaf = await sha256(concat([new Uint8Array([0]), bytes]));
    var shownLeaf = document.getElementById("leaf-hash");
    if (!equal(leaf, fromBase64(shownLeaf ? shownLeaf.textContent.trim() : d.leaf_hash))) {
      fail("leaf-differs");
    }
    steps.push(msg("step-leaf"));

    var key = await parseVkey(d.log_key);
    logKey = { vkey: d.log_key, name: key.name, fp: await fingerprint(key.pub), pinned: pinnedKey(key.name) };
    if (logKey.pinned !== null && logKey.pinned !== d.log_key) {
      fail("key-changed");
    }
    var note = parseNote(d.checkpoint);
    var cp = parseCheckpoint(note.text);
    if (cp.origin !== key.name) {
      fail("bad-checkpoint");
    }
    if (cp.size !== size) {
      fail("wrong-size");
    }
    var root = await foldInclusion(leaf, index, size, proof);
    if (!equal(root, cp.root)) {
      fail("root-differs");
    }
    steps.push(msg("step-root"));

    var sig = note.sigs.find(function (s) {
      return s.name === key.name && equal(s.keyId, key.id);
    });
    if (!sig) {
      fail("no-signature");
    }
    var ok = await ed25519Verify(key.pub, sig.sig, new TextEncoder().encode(note.text));
    if (ok === null) {
      return { state: "partial", steps: steps };
    }
    if (!ok) {
      fail("bad-signature");
    }
    steps.push(msg("step-signature"));

    // The witnesses: only a quorum of them makes the checkpoint trusted.
    var policy = await parsePolicy((await policyText).text);
    // The policy must name this log's key: one naming none (or another)
    // is not this log's policy.
    if (!policy.logs.some(function (l) { return equal(l.pub, key.pub); })) {
      fail("policy-other-log");
    }
    var names = await cosigners(policy, note);
    if (names === null) {
      return { state: "partial", steps: steps };
    }
    var need = needed(policy);
    var met = satisfied(policy, new Set(names));
    quorum = { cosigned: names, needed: need, state: policy.quorum === null ? "none" : met ? "met" : "not-met" };
    var counts = { count: names.length, needed: need };
    if (!met) {
      fail("no-quorum", counts);
    }
    if (policy.quorum === null) {
      // Nothing but the log's own key vouches for this checkpoint: a node
      // showing a view to this visitor alone could serve `quorum none`
      // too. Not a pass: "unwitnessed".
      steps.push(msg("step-no-witness"));
      return { state: "unwitnessed", steps: steps };
    }
    steps.push(fill(msg("step-quorum"), counts));
    return { state: "true", steps: steps };
  }

  // ---- the log key: its fingerprint, pinned in this browser ---------------
  // The visitor may pin the log key of an origin (localStorage); a page
  // that later presents another key for it fails the check, loudly.
  var PIN_PREFIX = "accord.pinned-log-key.";
  var logKey = null;

  async function fingerprint(pub) {
    return hex((await sha256(pub)).slice(0, 16)).match(/.{4}/g).join(" ");
  }
  function pinnedKey(origin) {
    try {
      return window.localStorage.getItem(PIN_PREFIX + origin);
    } catch (e) {
      return null;
    }
  }
  function pinKey(origin, vkey) {
    try {
      window.localStorage.setItem(PIN_PREFIX + origin, vkey);
      return true;
    } catch (e) {
      return false;
    }
  }

  // The fingerprint line, and the pin button or the pinned mark.
  function showKey() {
    if (!logKey) {
      return;
    }
    var p = document.createElement("p");
    p.id = "log-key-fingerprint";
    p.appendChild(document.createTextNode(msg("fingerprint") + " "));
    var code = document.createElement("code");
    code.setAttribute("dir", "ltr");
    code.textContent = logKey.fp;
    p.appendChild(code);
    out.appendChild(p);
    if (logKey.pinned === logKey.vkey) {
      var ok = document.createElement("p");
      ok.id = "log-key-pinned";
      ok.textContent = msg("pinned");
      out.appendChild(ok);
    } else if (logKey.pinned === null) {
      var b = document.createElement("button");
      b.type = "button";
      b.id = "log-key-pin";
      b.textContent = msg("pin");
      b.addEventListener("click", function () {
        if (pinKey(logKey.name, logKey.vkey)) {
          var ok = document.createElement("p");
          ok.id = "log-key-pinned";
          ok.textContent = msg("pinned");
          b.replaceWith(ok);
        }
      });
      out.appendChild(b);
    }
  }

  if (!window.crypto || !window.crypto.subtle) {
    show("unavailable", msg("unavailable"), "", []);
    return;
  }
  out.setAttribute("aria-busy", "true");
  out.textContent = msg("checking");
  check().then(
    function (r) {
      show(r.state, msg(r.state === "true" ? "ok" : r.state === "unwitnessed" ? "unwitnessed" : "partial"), "", r.steps);
      showKey();
    },
    function (e) {
      var reason = e instanceof Failure ? e.reason : "bad-data";
      show("false", msg("fail"), fill(msg(reason), e instanceof Failure ? e.vars : null), []);
      showKey();
    }
  );
})();
