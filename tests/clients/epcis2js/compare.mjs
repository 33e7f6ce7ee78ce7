// Field-by-field comparison of an event the client sent with the event the server returned.
//
// Strict where EPCIS fixes the value (strings, numbers, booleans, list contents), lenient only
// where JSON-LD or EPCIS make two spellings mean the same thing, and then it says so:
// - an extension key may use another prefix that expands to the same IRI;
// - a timestamp may be written differently if it is the same instant;
// - a list may come back in another order (EPCIS lists are unordered).

const TIME_KEYS = new Set(['eventTime', 'recordTime', 'declarationTime', 'time', 'startTime', 'endTime']);
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const notesSeen = new Set();

function note(kind, msg) {
  if (notesSeen.has(kind)) return;
  notesSeen.add(kind);
  console.log(`  note: ${msg}`);
}

/** Prefix -> IRI from a list of JSON-LD @context values (strings are remote contexts: skipped). */
export function prefixMap(contexts) {
  const map = {};
  const visit = (c) => {
    if (Array.isArray(c)) c.forEach(visit);
    else if (c && typeof c === 'object') {
      for (const [k, v] of Object.entries(c)) {
        if (typeof v === 'string') map[k] = v;
        else if (v && typeof v === 'object' && typeof v['@id'] === 'string') map[k] = v['@id'];
      }
    }
  };
  contexts.forEach(visit);
  return map;
}

function expandKey(key, ctx) {
  const i = key.indexOf(':');
  if (i <= 0 || key.startsWith('http') || key.startsWith('urn:')) return key;
  const iri = ctx[key.slice(0, i)];
  return iri ? iri + key.slice(i + 1) : key;
}

function show(v) {
  const s = JSON.stringify(v);
  return s && s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Mismatches (strings naming the path) between a sent and a returned value. */
function diff(sent, sentCtx, got, gotCtx, path, out, key) {
  if (Array.isArray(sent)) {
    if (!Array.isArray(got)) {
      out.push(`${path}: sent a list ${show(sent)}, got ${show(got)}`);
      return;
    }
    if (sent.length !== got.length) {
      out.push(`${path}: sent ${sent.length} items ${show(sent)}, got ${got.length} ${show(got)}`);
      return;
    }
    const inOrder = sent.map((s, i) => {
      const o = [];
      diff(s, sentCtx, got[i], gotCtx, `${path}[${i}]`, o, key);
      return o;
    });
    if (inOrder.every((o) => o.length === 0)) return;
    // Not equal item by item: is it the same multiset in another order?
    const used = new Set();
    const unmatched = [];
    sent.forEach((s, i) => {
      const j = got.findIndex((g, k) => {
        if (used.has(k)) return false;
        const o = [];
        diff(s, sentCtx, g, gotCtx, path, o, key);
        return o.length === 0;
      });
      if (j < 0) unmatched.push(i);
      else used.add(j);
    });
    if (unmatched.length === 0) {
      note(`order:${path.replace(/\[\d+\]/g, '[]')}`, `${path} came back in another order (accepted: EPCIS lists are unordered)`);
      return;
    }
    // Report against the item at the same index: most useful when one field of one item differs.
    for (const i of unmatched) out.push(...inOrder[i]);
    return;
  }
  if (sent !== null && typeof sent === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      out.push(`${path}: sent an object ${show(sent)}, got ${show(got)}`);
      return;
    }
    const gotByIri = new Map(Object.keys(got).map((k) => [expandKey(k, gotCtx), k]));
    const seen = new Set();
    for (const [k, v] of Object.entries(sent)) {
      const iri = expandKey(k, sentCtx);
      const gk = gotByIri.get(iri);
      if (gk === undefined) {
        out.push(`${path}.${k}: missing (sent ${show(v)})`);
        continue;
      }
      seen.add(gk);
      if (gk !== k) note(`prefix:${k}->${gk}`, `${k} came back as ${gk} (same IRI ${iri})`);
      diff(v, sentCtx, got[gk], gotCtx, `${path}.${k}`, out, k);
    }
    for (const gk of Object.keys(got)) {
      if (!seen.has(gk)) out.push(`${path}.${gk}: not sent, but returned ${show(got[gk])}`);
    }
    return;
  }
  if (sent === got) return;
  if (TIME_KEYS.has(key) && typeof sent === 'string' && typeof got === 'string' && TIME_RE.test(got)) {
    if (Date.parse(sent) === Date.parse(got)) {
      note(`time:${key}`, `${path} sent as ${sent} came back as ${got} (accepted: the same instant)`);
      return;
    }
  }
  out.push(`${path}: sent ${show(sent)} (${typeof sent}), got ${show(got)} (${typeof got})`);
}

/**
 * Mismatches between the event the client sent and the one returned. The server adds
 * `recordTime` (and `eventID` when the client sent none) and may add an event-level @context.
 */
export function compareEvent(sent, sentCtx, got, gotCtx) {
  const out = [];
  if (!got || typeof got !== 'object') return [`not an event: ${show(got)}`];
  const rest = { ...got };
  delete rest['@context'];
  if (typeof rest.recordTime !== 'string' || !TIME_RE.test(rest.recordTime)) {
    out.push(`recordTime: expected a timestamp with offset set by the server, got ${show(rest.recordTime)}`);
  }
  if (!('recordTime' in sent)) delete rest.recordTime;
  if (!('eventID' in sent)) delete rest.eventID;
  diff(sent, sentCtx, rest, gotCtx, '', out, '');
  const id = sent.eventID ?? got.eventID;
  return out.map((m) => `${sent.type} ${id}: ${m.replace(/^\./, '')}`);
}
