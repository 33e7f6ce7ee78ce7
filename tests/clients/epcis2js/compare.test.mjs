// Self-check of the comparison: it must flag every kind of change the client test relies on it
// to catch, and accept only the documented equivalences. Run with `node --test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compareEvent, prefixMap } from './compare.mjs';

const VOC = 'https://nooluur.example/voc/';
const sentCtx = prefixMap([['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { cashmere: VOC }]]);
const sent = {
  type: 'ObjectEvent',
  eventID: 'urn:uuid:00000000-0000-4000-8000-000000000001',
  eventTime: '2024-04-12T09:15:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'ADD',
  bizStep: 'commissioning',
  epcList: ['urn:epc:id:sgtin:8650123.012345.A1', 'urn:epc:id:sgtin:8650123.012345.A2'],
  quantityList: [{ epcClass: 'https://nooluur.example/id/lot/1', quantity: 12.4, uom: 'KGM' }],
  ilmd: { 'cashmere:goatsCombed': 38, 'cashmere:colour': 'white' },
};
const returned = (patch = {}) => ({
  ...structuredClone(sent),
  recordTime: '2024-04-12T01:20:00.000Z',
  ...patch,
});
const cmp = (got, gotCtx = sentCtx) => compareEvent(sent, sentCtx, got, gotCtx);

test('an identical event with a recordTime passes', () => {
  assert.deepEqual(cmp(returned()), []);
});

test('accepted equivalences: another prefix for the same IRI, the same instant, another list order', () => {
  const got = returned({
    eventTime: '2024-04-12T01:15:00Z',
    epcList: [...sent.epcList].reverse(),
    ilmd: { 'nl:goatsCombed': 38, 'nl:colour': 'white' },
  });
  assert.deepEqual(cmp(got, { nl: VOC }), []);
});

test('every kind of change is reported', () => {
  const cases = {
    'a number changed': returned({ quantityList: [{ ...sent.quantityList[0], quantity: 12.5 }] }),
    'a number as a string': returned({ quantityList: [{ ...sent.quantityList[0], quantity: '12.4' }] }),
    'a field dropped': (() => { const g = returned(); delete g.bizStep; return g; })(),
    'a field added': returned({ disposition: 'active' }),
    'an extension dropped': returned({ ilmd: { 'cashmere:goatsCombed': 38 } }),
    'an extension under another IRI': returned({ ilmd: { 'cashmere:goatsCombed': 38, 'other:colour': 'white' } }),
    'another instant': returned({ eventTime: '2024-04-12T09:15:00.000Z' }),
    'a list item changed': returned({ epcList: [sent.epcList[0], 'urn:epc:id:sgtin:8650123.012345.A3'] }),
    'a list item dropped': returned({ epcList: [sent.epcList[0]] }),
    'the eventID changed': returned({ eventID: 'urn:uuid:00000000-0000-4000-8000-000000000002' }),
    'no recordTime': (() => { const g = returned(); delete g.recordTime; return g; })(),
    'a CBV value expanded': returned({ bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning' }),
  };
  for (const [what, got] of Object.entries(cases)) {
    assert.notDeepEqual(cmp(got, { cashmere: VOC, other: 'https://other.example/' }), [], `${what} was not reported`);
  }
});
