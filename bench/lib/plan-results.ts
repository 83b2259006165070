import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/**
 * Replaces the `## <heading>` section of a markdown file (up to the next `## ` heading) with
 * `body`, or appends it; the file is re-read right before writing so other sections written
 * meanwhile by other benches survive.
 */
export function writeSection(file: string, heading: string, body: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n'
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`)
  const section = [`## ${heading}`, '', ...body.trimEnd().split('\n'), '']
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section.join('\n')}`)
    return
  }
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '))
  if (end < 0) end = lines.length
  writeFileSync(file, [...lines.slice(0, start), ...section, ...lines.slice(end)].join('\n'))
}

/** A markdown table. */
export function table(
  head: readonly string[],
  rows: ReadonlyArray<readonly (string | number)[]>,
): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** Nearest-rank quantile. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]
}
