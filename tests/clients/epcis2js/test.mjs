#!/usr/bin/env node
// Drives nooluur's EPCIS 2.0 REST repository with the third-party epcis2.js SDK, the way an
// integrator would: build events with the SDK's builders, capture them with its `capture()` and
// `CaptureResponse`, then read them back over the standard query interface and check that
// every field the client sent comes back unchanged.
//
// Usage: node test.mjs BASE_URL TOKEN
// Exits 0 when every check passes, 1 on any mismatch (each one is printed), 2 on bad usage.

import { randomUUID } from 'node:crypto';
import epcis2 from 'epcis2.js';

import { compareEvent, prefixMap } from './compare.mjs';
import { toDigitalLink } from './gs1.mjs';
import {
  RUN,
  VOC,
  CONTEXT,
  ID,
  events,
  rawLot,
  coopSite,
  pooledLot,
  dehairedLot,
  garments,
  cases,
  factory,
  warehouse,
  tracker,
  analyser,
  noIdRef,
  packing,
  dehairing,
  shop,
  shopReceiving,
} from './scenario.mjs';

const { setup, capture, CaptureResponse, EPCISDocument, objectToEvent, validateEpcisDocument } = epcis2;

const [baseArg, token] = process.argv.slice(2);
if (!baseArg || !token) {
  console.error('usage: node test.mjs BASE_URL TOKEN');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');

// ---------------------------------------------------------------------------------------------
// Checks: every failure is collected and printed; the run fails if there is any.

const failures = [];
let passed = 0;

function check(ok, what) {
  if (ok) {
    passed += 1;
  } else {
    failures.push(what);
    console.error(`FAIL: ${what}`);
  }
  return ok;
}

// A failure that makes the rest of the run meaningless (e.g. capture refused).
class Fatal extends Error {}

// ---------------------------------------------------------------------------------------------
// HTTP helpers for what epcis2.js has no function for (it only captures and polls capture
// jobs): plain fetch, with the same base URL and headers the SDK was set up with.

const AUTH = { authorization: `Bearer ${token}` };

async function http(method, path, { headers = {}, body } = {}) {
  const url = path.startsWith('http') ? path : `${BASE}${path}`;
  const res = await fetch(url, { method, headers: { ...AUTH, ...headers }, body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { res, status: res.status, headers: res.headers, text, json, url };
}

function describe(r) {
  return `${r.status} ${r.headers.get('content-type') ?? ''} from ${r.url}: ${r.text.slice(0, 800)}`;
}

const NEVER_TRANSLATES = { 'GS1-EPC-Format': 'Never_Translates' };

// All events of a query, following `Link: <…>; rel="next"` pages.
async function queryAll(params, headers = NEVER_TRANSLATES, label = params) {
  let url = `/events?${params}`;
  const out = [];
  let pages = 0;
  while (url) {
    pages += 1;
    if (pages > 200) throw new Fatal(`query ${label}: more than 200 pages, the Link header loops`);
    const r = await http('GET', url, { headers: { accept: 'application/json', ...headers } });
    if (!check(r.status === 200, `GET ${url}: expected 200, got ${describe(r)}`)) return { events: out, pages };
    const doc = r.json;
    if (!check(doc && doc.type === 'EPCISQueryDocument', `GET ${url}: expected an EPCISQueryDocument, got ${r.text.slice(0, 300)}`)) {
      return { events: out, pages };
    }
    const v = validateEpcisDocument(doc, false);
    check(v.success, `GET ${url}: the query document fails epcis2.js's schema validation: ${JSON.stringify(v.errors)}`);
    const list = doc.epcisBody?.queryResults?.resultsBody?.eventList;
    check(Array.isArray(list), `GET ${url}: epcisBody.queryResults.resultsBody.eventList is not a list`);
    check(
      doc.epcisBody?.queryResults?.queryName === 'SimpleEventQuery',
      `GET ${url}: queryResults.queryName is ${JSON.stringify(doc.epcisBody?.queryResults?.queryName)}, expected "SimpleEventQuery"`,
    );
    for (const e of list ?? []) out.push({ event: e, ctx: prefixMap([doc['@context'], e['@context']]) });
    url = nextLink(r.headers.get('link'));
  }
  return { events: out, pages };
}

function nextLink(link) {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = part.match(/<([^>]*)>\s*;(.*)/);
    if (m && /rel\s*=\s*"?next"?/i.test(m[2])) return new URL(m[1], `${BASE}/`).href;
  }
  return null;
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------

async function main() {
  console.log(`epcis2.js client test against ${BASE} (run ${RUN}, ${events.length} events)`);
  setup({
    apiUrl: BASE,
    headers: { 'content-type': 'application/json', ...AUTH },
    checkExtensions: true,
    timeout: 30_000,
  });
  const startedAt = new Date(Date.now() - 60_000).toISOString();

  // Discovery: the server answers as an EPCIS 2.0 repository.
  const opt = await http('OPTIONS', '/');
  check(opt.status >= 200 && opt.status < 300, `OPTIONS /: expected 2xx, got ${describe(opt)}`);
  check(
    (opt.headers.get('gs1-epcis-version') ?? '').includes('2.0'),
    `OPTIONS /: GS1-EPCIS-Version header is ${JSON.stringify(opt.headers.get('gs1-epcis-version'))}, expected 2.0.x`,
  );

  // Nothing is readable without a token.
  const anon = await fetch(`${BASE}/events`);
  check(anon.status === 401, `GET /events without a token: expected 401, got ${anon.status}`);

  // 1. Asynchronous capture of one EPCISDocument with the SDK.
  const doc = new EPCISDocument()
    .setContext(CONTEXT)
    .setCreationDate(new Date().toISOString())
    .addEventList(events.filter((e) => e.via === 'capture').map((e) => e.event));
  check(doc.isValid(), 'epcis2.js considers its own capture document invalid');
  const sentDoc = doc.toObject();

  let res;
  try {
    res = await capture(doc);
  } catch (e) {
    throw new Fatal(`epcis2.js capture() failed: ${e?.message ?? e}`);
  }
  if (res.status !== 202) {
    throw new Fatal(`POST /capture: expected 202, got ${res.status}: ${(await res.text()).slice(0, 800)}`);
  }
  const cr = new CaptureResponse(res);
  check(/\/capture\/[^/]+$/.test(cr.getLocation()), `POST /capture: Location ${cr.getLocation()} is not a /capture/{id} URL`);
  await cr.pollForTheCaptureToFinish(240, 250, { timeout: 10_000 });
  if (cr.getRunningStatus() !== false || cr.getSuccessStatus() !== true) {
    throw new Fatal(
      `capture job ${cr.getLocation()}: running=${cr.getRunningStatus()} success=${cr.getSuccessStatus()} ` +
        `errors=${JSON.stringify(cr.getErrors())} errorFile=${JSON.stringify(cr.getErrorFile())}`,
    );
  }
  console.log(`captured ${sentDoc.epcisBody.eventList.length} events, job ${cr.getLocation()}`);
  const job = await cr.getCaptureJob();
  const captureID = decodeURIComponent(cr.getLocation().split('/').pop());
  check(job.captureID === captureID, `GET ${cr.getLocation()}: captureID ${JSON.stringify(job.captureID)}, expected ${captureID}`);
  check(
    (job.captureErrorBehaviour ?? 'rollback') === 'rollback',
    `capture job: captureErrorBehaviour ${JSON.stringify(job.captureErrorBehaviour)}, expected "rollback"`,
  );
  const jobs = await http('GET', '/capture', { headers: { accept: 'application/json' } });
  check(
    jobs.status === 200 && Array.isArray(jobs.json) && jobs.json.some((j) => j.captureID === captureID),
    `GET /capture: expected a list holding job ${captureID}, got ${describe(jobs)}`,
  );

  // 2. Synchronous capture of single events with POST /events.
  for (const e of events.filter((x) => x.via === 'events')) {
    e.event.setContext(CONTEXT);
    check(e.event.isValid(), `epcis2.js considers its own event "${e.name}" invalid`);
    const r = await http('POST', '/events', { headers: { 'content-type': 'application/json' }, body: e.event.toString() });
    if (r.status !== 201) throw new Fatal(`POST /events (${e.name}): expected 201, got ${describe(r)}`);
    const loc = r.headers.get('location');
    check(
      loc && decodeURIComponent(loc.split('/').pop()) === e.event.getEventID(),
      `POST /events (${e.name}): Location ${loc} does not name eventID ${e.event.getEventID()}`,
    );
  }
  console.log(`POST /events: ${events.filter((x) => x.via === 'events').length} single events`);
  // A second POST of an eventID that exists is a conflict.
  const dup = events.find((x) => x.via === 'events').event;
  const again = await http('POST', '/events', { headers: { 'content-type': 'application/json' }, body: dup.toString() });
  check(again.status === 409, `POST /events with a duplicate eventID: expected 409, got ${describe(again)}`);
  check(
    (again.headers.get('content-type') ?? '').includes('application/problem+json'),
    `POST /events duplicate: expected an application/problem+json body, got ${again.headers.get('content-type')}`,
  );

  // 3. Every event back through GET /events, paginated, in the form the client sent.
  const all = await queryAll(`GE_recordTime=${enc(startedAt)}&perPage=4`, NEVER_TRANSLATES, 'all since start');
  check(all.pages > 1, `GET /events?perPage=4 over ${events.length} events came back in ${all.pages} page(s): no Link rel="next" paging`);
  const byId = new Map();
  for (const g of all.events) {
    if (byId.has(g.event.eventID)) check(false, `GET /events pages returned eventID ${g.event.eventID} twice`);
    byId.set(g.event.eventID, g);
  }
  const sentCtx = prefixMap([CONTEXT]);
  for (const e of events) {
    const sent = e.event.toObject();
    delete sent['@context'];
    let got;
    if (e.idMode === 'none') {
      got = all.events.find((g) => g.event[keyFor(g.ctx, 'clientRef')] === noIdRef);
      if (!check(got, `GET /events: the event sent without eventID (${e.name}) is missing`)) continue;
      check(
        /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/.test(got.event.eventID ?? ''),
        `${e.name}: the server filled eventID ${JSON.stringify(got.event.eventID)}, expected a ni:///sha-256 hash ID`,
      );
      e.serverID = got.event.eventID;
    } else {
      got = byId.get(sent.eventID);
      if (!check(got, `GET /events: ${e.name} (eventID ${sent.eventID}) is missing`)) continue;
    }
    for (const m of compareEvent(sent, sentCtx, got.event, got.ctx)) check(false, `GET /events, ${e.name}: ${m}`);
    const sdkView = objectToEvent(got.event);
    check(sdkView.getType() === sent.type, `${e.name}: epcis2.js reads the returned event as ${sdkView.getType()}`);
  }
  console.log(`GET /events: ${all.events.length} events in ${all.pages} pages`);

  // 4. Each event by its eventID.
  for (const e of events) {
    const id = e.serverID ?? e.event.getEventID();
    if (!id) continue;
    const r = await http('GET', `/events/${enc(id)}`, { headers: { accept: 'application/json', ...NEVER_TRANSLATES } });
    if (!check(r.status === 200, `GET /events/{eventID} for ${e.name}: expected 200, got ${describe(r)}`)) continue;
    // The REST binding answers with a one-event EPCISQueryDocument.
    const list = r.json?.type === 'EPCISQueryDocument' ? r.json.epcisBody?.queryResults?.resultsBody?.eventList ?? [] : [];
    if (!check(list.length === 1, `GET /events/${enc(id)}: expected an EPCISQueryDocument with one event, got ${r.text.slice(0, 300)}`)) continue;
    const v = validateEpcisDocument(r.json, false);
    check(v.success, `GET /events/${enc(id)}: the query document fails epcis2.js's schema validation: ${JSON.stringify(v.errors)}`);
    const sent = e.event.toObject();
    delete sent['@context'];
    if (e.idMode === 'none') sent.eventID = id;
    for (const m of compareEvent(sent, sentCtx, list[0], prefixMap([r.json['@context'], list[0]['@context']]))) {
      check(false, `GET /events/{eventID}, ${e.name}: ${m}`);
    }
  }
  console.log(`GET /events/{eventID}: ${events.length} events`);
  const missing = await http('GET', `/events/${enc(`urn:uuid:${randomUUID()}`)}`, { headers: { accept: 'application/json' } });
  check(missing.status === 404, `GET /events/{unknown eventID}: expected 404, got ${describe(missing)}`);

  // 5. SimpleEventQuery parameters select exactly the expected events of this run.
  const idOf = (name) => {
    const e = events.find((x) => x.name.startsWith(name));
    return e.serverID ?? e.event.getEventID();
  };
  const expectations = [
    ['EQ_eventID', `EQ_eventID=${[idOf('combing, household 0421'), idOf('dehairing'), idOf('shipping')].map(enc).join('|')}`,
      ['combing, household 0421', 'dehairing', 'shipping']],
    ['MATCH_epcClass', `MATCH_epcClass=${enc(rawLot('0422'))}`,
      ['combing, household 0422', 'delivery, household 0422', 'corrected delivery', 'error declaration']],
    ['MATCH_inputEPCClass', `MATCH_inputEPCClass=${enc(pooledLot)}`, ['dehairing']],
    ['MATCH_outputEPCClass', `MATCH_outputEPCClass=${enc(dehairedLot)}`, ['dehairing']],
    ['MATCH_anyEPCClass', `MATCH_anyEPCClass=${enc(pooledLot)}`, ['pooling', 'lab test', 'dehairing']],
    ['MATCH_outputEPC + eventType', `eventType=TransformationEvent&MATCH_outputEPC=${enc(garments[1])}`, ['knitting']],
    ['MATCH_parentID', `MATCH_parentID=${enc(cases[0])}`, ['packing three garments']],
    ['MATCH_epc', `MATCH_epc=${enc(cases[1])}`,
      ['attaching the tracker', 'warehouse sensor report, day 1', 'warehouse sensor report, day 2', 'shipping', 'detaching',
        'transaction']],
    ['MATCH_anyEPC', `MATCH_anyEPC=${enc(garments[3])}`, ['knitting', 'packing one garment']],
    ['MATCH_parentID (association)', `eventType=AssociationEvent&MATCH_parentID=${enc(tracker)}`,
      ['attaching a tracker', 'attaching the tracker', 'detaching']],
    ['EQ_transformationID', `EQ_transformationID=${enc(`${ID}/transformation/${RUN}-knit-001`)}`, ['knitting']],
    ['EQ_bizLocation + EQ_bizStep', `EQ_bizLocation=${enc(coopSite)}&EQ_bizStep=receiving`,
      ['delivery, household 0421', 'delivery, household 0422', 'corrected delivery', 'error declaration']],
    ['EQ_readPoint + EQ_action', `EQ_readPoint=${enc(warehouse)}&EQ_action=DELETE&MATCH_parentID=${enc(tracker)}`, ['detaching']],
    ['EQ_deviceID + EQ_type', `EQ_deviceID=${enc(tracker)}&EQ_type=Temperature`,
      ['warehouse sensor report, day 1', 'warehouse sensor report, day 2']],
    ['EQ_stringValue + EQ_deviceID', `EQ_deviceID=${enc(analyser)}&EQ_stringValue=white`, ['lab test']],
    ['EQ_errorReason', `EQ_errorReason=incorrect_data&MATCH_epcClass=${enc(rawLot('0422'))}`, ['error declaration']],
    ['EQ_correctiveEventID', `EQ_correctiveEventID=${enc(idOf('corrected delivery'))}`, ['error declaration']],
    ['EQ_persistentDisposition_set', `EQ_persistentDisposition_set=completeness_verified&MATCH_anyEPC=${enc(garments[0])}`, ['knitting']],
  ];
  for (const [label, params, names] of expectations) {
    const want = new Set(names.map(idOf));
    const q = await queryAll(params, NEVER_TRANSLATES, label);
    const got = new Set(q.events.map((g) => g.event.eventID));
    const extra = [...got].filter((x) => !want.has(x));
    const lack = [...want].filter((x) => !got.has(x));
    check(
      extra.length === 0 && lack.length === 0,
      `GET /events?${params} (${label}): ` +
        `${lack.length ? `missing ${lack.map((x) => nameOf(x)).join('; ')}` : ''}` +
        `${extra.length ? ` unexpected ${extra.map((x) => nameOf(x)).join('; ')}` : ''}`,
    );
  }

  console.log(`SimpleEventQuery: ${expectations.length} parameter sets`);

  // 6. Ordering: orderBy=eventTime ascending.
  {
    const q = await queryAll(`MATCH_anyEPC=${enc(cases[0])}&orderBy=eventTime&orderDirection=ASC`, NEVER_TRANSLATES, 'orderBy');
    const times = q.events.map((g) => Date.parse(g.event.eventTime));
    check(times.length >= 5 && times.every((t, i) => i === 0 || times[i - 1] <= t),
      `orderBy=eventTime&orderDirection=ASC: event times not ascending: ${q.events.map((g) => g.event.eventTime).join(', ')}`);
  }

  // 7. GS1-EPC-Format: identifiers captured as EPC URNs come back as GS1 Digital Link when the
  //    client asks for it, and when it says nothing (the REST binding's default).
  for (const headers of [{ 'GS1-EPC-Format': 'Always_GS1_Digital_Link' }, {}]) {
    const label = headers['GS1-EPC-Format'] ?? 'no GS1-EPC-Format header';
    const q = await queryAll(`EQ_eventID=${enc(packing.getEventID())}`, headers, label);
    const e = q.events[0]?.event;
    if (!check(e, `GET /events (${label}): the packing event is missing`)) continue;
    check(e.parentID === toDigitalLink(cases[0]), `${label}: parentID ${e.parentID}, expected ${toDigitalLink(cases[0])}`);
    const want = garments.slice(0, 3).map(toDigitalLink);
    check(JSON.stringify(e.childEPCs) === JSON.stringify(want), `${label}: childEPCs ${JSON.stringify(e.childEPCs)}, expected ${JSON.stringify(want)}`);
    check(e.readPoint?.id === toDigitalLink(factory), `${label}: readPoint ${JSON.stringify(e.readPoint)}, expected ${toDigitalLink(factory)}`);
  }
  {
    const q = await queryAll(`EQ_eventID=${enc(dehairing.getEventID())}`, { 'GS1-EPC-Format': 'Always_EPC_URN' }, 'Always_EPC_URN');
    const e = q.events[0]?.event;
    if (check(e, 'GET /events (Always_EPC_URN): the dehairing event is missing')) {
      check(e.outputQuantityList?.[0]?.epcClass === dehairedLot,
        `Always_EPC_URN: outputQuantityList[0].epcClass ${e.outputQuantityList?.[0]?.epcClass}, expected ${dehairedLot}`);
      check(e.inputQuantityList?.[0]?.epcClass === pooledLot,
        `Always_EPC_URN: a private lot URI must stay as it is, got ${e.inputQuantityList?.[0]?.epcClass}`);
    }
    const q2 = await queryAll(`EQ_eventID=${enc(shopReceiving.getEventID())}`, { 'GS1-EPC-Format': 'Always_EPC_URN' }, 'Always_EPC_URN');
    const s = q2.events[0]?.event;
    if (check(s, 'GET /events (Always_EPC_URN): the shop receiving event is missing')) {
      const want = garments.slice(0, 3);
      check(JSON.stringify(s.epcList) === JSON.stringify(want),
        `Always_EPC_URN: epcList captured as Digital Link came back as ${JSON.stringify(s.epcList)}, expected ${JSON.stringify(want)}`);
      check(s.readPoint?.id === shop, `Always_EPC_URN: readPoint ${JSON.stringify(s.readPoint)}, expected ${shop}`);
    }
  }
}

function keyFor(ctx, local) {
  for (const [p, iri] of Object.entries(ctx)) if (iri === VOC) return `${p}:${local}`;
  return `cashmere:${local}`;
}

function nameOf(id) {
  const e = events.find((x) => (x.serverID ?? x.event.getEventID()) === id);
  return e ? `"${e.name}" (${id})` : id;
}

try {
  await main();
} catch (e) {
  if (e instanceof Fatal) {
    failures.push(e.message);
    console.error(`FAIL: ${e.message}`);
  } else {
    failures.push(`unexpected error: ${e?.stack ?? e}`);
    console.error(`FAIL: unexpected error: ${e?.stack ?? e}`);
  }
}
console.log(`epcis2js: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
