// EPC URN -> GS1 Digital Link (id.gs1.org) for the few schemes the client test uses, written
// from the GS1 Tag Data Standard independently of the server's converter.

const DL = 'https://id.gs1.org';

/** The GS1 mod-10 check digit of a digit string. */
export function checkDigit(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? 3 * d : d;
  }
  return String((10 - (sum % 10)) % 10);
}

function gtin(companyPrefix, itemRef) {
  const body = itemRef[0] + companyPrefix + itemRef.slice(1);
  return body + checkDigit(body);
}

/** The GS1 Digital Link URI of an EPC URN; throws for a scheme it does not know. */
export function toDigitalLink(urn) {
  let m = urn.match(/^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/);
  if (m) return `${DL}/01/${gtin(m[1], m[2])}/21/${m[3]}`;
  m = urn.match(/^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/);
  if (m) return `${DL}/01/${gtin(m[1], m[2])}/10/${m[3]}`;
  m = urn.match(/^urn:epc:id:sscc:(\d+)\.(\d+)$/);
  if (m) {
    const body = m[2][0] + m[1] + m[2].slice(1);
    return `${DL}/00/${body}${checkDigit(body)}`;
  }
  m = urn.match(/^urn:epc:id:sgln:(\d+)\.(\d*)\.(.+)$/);
  if (m) {
    const body = m[1] + m[2];
    const gln = body + checkDigit(body);
    return m[3] === '0' ? `${DL}/414/${gln}` : `${DL}/414/${gln}/254/${m[3]}`;
  }
  m = urn.match(/^urn:epc:id:giai:(\d+)\.(.+)$/);
  if (m) return `${DL}/8004/${m[1]}${m[2]}`;
  throw new Error(`toDigitalLink: no rule for ${urn}`);
}
