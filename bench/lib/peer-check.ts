import { findRoute, type StreetGraph } from '../../src/network/index.js'
import { createCsrDijkstra } from './csr-dijkstra.js'
import { largestScc, peerPairs } from './peer-protocol.js'
import { fmt, table } from './table.js'

/** What routing-peers.md reports for its Milan graphs (drive first, then foot). */
const MILAN_EXPECTED = [
  {
    scc: 42_558,
    first: [1802101380, 1172187362],
    firstCost: 1218.252,
    checksum: 212_711.239,
    unit: 's',
  },
  {
    scc: 64_756,
    first: [1978428843, 1564191794],
    firstCost: 17_021.43,
    checksum: 2_897_723.158,
    unit: 'm',
  },
]

/**
 * Rebuilds routing-peers.md's 250 pairs on its graph variants (drive: PROVENANCE classes, no
 * access filters, `oneway=no` winning on roundabouts, OSRM speeds; foot: metres) and checks the
 * largest SCC, the first pair and the cost checksum, with our router and the CSR Dijkstra.
 */
export function peerChecks(milan: readonly StreetGraph[], atlanta: readonly StreetGraph[]) {
  let failures = 0
  const rows: Array<Array<string | number>> = []
  const check = (city: string, graph: StreetGraph, expected?: (typeof MILAN_EXPECTED)[number]) => {
    const members = largestScc(graph)
    const pairs = peerPairs(members, 250)
    const dijkstra = createCsrDijkstra(graph)
    let ours = 0
    let reference = 0
    for (const [a, b] of pairs) {
      ours += findRoute(graph, { node: a }, { node: b }).cost
      reference += dijkstra(a, b).cost
    }
    const [a, b] = pairs[0]!
    const first = `${graph.nodeOsmIds[a]}→${graph.nodeOsmIds[b]} (${fmt(findRoute(graph, { node: a }, { node: b }).cost, 3)})`
    const ok =
      expected === undefined ||
      (members.length === expected.scc &&
        graph.nodeOsmIds[a] === expected.first[0] &&
        graph.nodeOsmIds[b] === expected.first[1] &&
        fmt(ours, 3) === fmt(expected.checksum, 3) &&
        fmt(reference, 3) === fmt(expected.checksum, 3))
    if (!ok) failures++
    const unit = graph.weight === 'length' ? 'm' : 's'
    rows.push([
      city,
      `${graph.nodeCount.toLocaleString('en-US')} / ${graph.edgeHead.length.toLocaleString('en-US')}`,
      members.length.toLocaleString('en-US'),
      first,
      `${fmt(ours, 3)} ${unit}`,
      `${fmt(reference, 3)} ${unit}`,
      expected === undefined
        ? '(none published)'
        : `${fmt(expected.checksum, 3)} ${expected.unit}, SCC ${expected.scc.toLocaleString('en-US')}: ${ok ? 'match' : 'DIFFERENT'}`,
    ])
  }
  check('Milan drive', milan[0]!, MILAN_EXPECTED[0])
  check('Milan foot', milan[1]!, MILAN_EXPECTED[1])
  check('Atlanta drive', atlanta[0]!)
  check('Atlanta foot', atlanta[1]!)
  const text = [
    '### Peer protocol rebuilt (routing-peers.md graphs and 250 pairs, mulberry32(42))',
    '',
    table(
      [
        'graph',
        'nodes / directed edges',
        'largest SCC',
        'first pair (cost)',
        'Σ 250 costs, ours',
        'Σ, CSR Dijkstra',
        'routing-peers.md',
      ],
      rows,
    ),
  ].join('\n')
  return { text, failures }
}
