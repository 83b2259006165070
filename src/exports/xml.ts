const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

/** Text or attribute value escaped for XML; control characters XML 1.0 forbids are dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** A coordinate with 7 decimals (≈ 1 cm), as text. */
export function coordinate(value: number): string {
  return (Math.round(value * 1e7) / 1e7).toString()
}
