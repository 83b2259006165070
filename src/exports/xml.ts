const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

/**
 * What XML 1.0's Char production forbids: C0 controls other than tab, LF and CR; U+FFFE and U+FFFF;
 * and UTF-16 surrogates that are not part of a pair (a lone one cannot be encoded as UTF-8 at all).
 * Matched per UTF-16 code unit (no `u` flag), so a lone surrogate is seen as one.
 */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Text or attribute value escaped for XML; characters XML 1.0 forbids are dropped. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/**
 * A coordinate with at most 7 decimals (≈ 1 cm), as an xsd:decimal: plain digits, never exponent
 * notation (`5e-7`, which GPX and KML readers refuse), trailing zeros and a negative zero dropped.
 */
export function coordinate(value: number): string {
  const text = value.toFixed(7).replace(/0+$/, '').replace(/\.$/, '')
  return text === '-0' ? '0' : text
}
