import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('..', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** Every .ts/.js file below `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js)$/.test(f))
    .map((f) => join(ROOT, dir, f))
}

/** Package names a file loads at run time: value imports, re-exports, dynamic imports, pino transports. */
function runtimePackages(text: string): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'";]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
    ...text.matchAll(/\btarget:\s*'([^']+)'/g),
  ].map((m) => m[1])
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]))
}

// the image installs with `npm ci --omit=dev`: what the service loads must be a runtime dependency
describe('runtime dependencies', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('bin'), ...sourceFiles('migrations')]

  it('lists every package that src, bin and migrations load in "dependencies"', () => {
    const used = new Set(files.flatMap((f) => runtimePackages(readFileSync(f, 'utf8'))))
    expect(used.size).toBeGreaterThan(10)
    const missing = [...used].filter((name) => !(name in pkg.dependencies)).sort()
    expect(missing).toEqual([])
  })

  it('ships no runtime dependency that nothing loads', () => {
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n')
    const used = new Set(runtimePackages(text))
    const unused = Object.keys(pkg.dependencies)
      .filter((name) => !used.has(name) && !text.includes(`'${name}`))
      .sort()
    expect(unused).toEqual([])
  })
})
