import { describe, expect, it } from 'vitest'
import { applyKernel, buildNetworkKernel } from '../../src/risk/network-kernel.js'
import type { RiskSegment } from '../../src/risk/types.js'

//   0 ──s0── 1 ──s1── 2 ──s2── 3
//            │
//            s3
//            │
//            4
const segments: RiskSegment[] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [1, 4],
].map(([fromNodeId, toNodeId], index) => ({
  index,
  id: `s${index}`,
  lengthM: 100,
  highway: 'residential',
  fromNodeId,
  toNodeId,
}))

const rowOf = (kernel: ReturnType<typeof buildNetworkKernel>, i: number) => {
  const row = new Map<number, number>()
  for (let k = kernel.rowStart[i]; k < kernel.rowStart[i + 1]; k++)
    row.set(kernel.targets[k], kernel.weights[k])
  return row
}

describe('buildNetworkKernel', () => {
  it('splits the linear kernel equally at a junction and stops at the bandwidth', () => {
    const h = 300
    const f = (d: number) => (h - d) / (h * h)
    const kernel = buildNetworkKernel(segments, h)
    const row = rowOf(kernel, 0)
    expect(row.get(0)).toBeCloseTo(f(0), 15)
    // node 1 has three segments: the mass from s0 goes half to s1, half to s3
    expect(row.get(1)).toBeCloseTo(f(100) / 2, 15)
    expect(row.get(3)).toBeCloseTo(f(100) / 2, 15)
    // node 2 has two segments: no further split
    expect(row.get(2)).toBeCloseTo(f(200) / 2, 15)
    expect(rowOf(buildNetworkKernel(segments, 150), 0).has(2)).toBe(false)
  })

  it('spreads counts by the kernel rows', () => {
    const kernel = buildNetworkKernel(segments, 300)
    const out = new Float64Array(4)
    applyKernel(kernel, Float64Array.from([2, 0, 0, 0]), out)
    const row = rowOf(kernel, 0)
    expect(out[2]).toBeCloseTo(2 * (row.get(2) ?? 0), 15)
  })

  it('needs the end nodes of every segment', () => {
    const bare = segments.map(({ fromNodeId, ...rest }) => rest)
    expect(() => buildNetworkKernel(bare, 300)).toThrow(/fromNodeId\/toNodeId/)
  })
})
