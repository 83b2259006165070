import pg from 'pg'
import { findRoute, type StreetGraph } from '../../src/network/index.js'
import { largestScc, peerPairs } from './peer-protocol.js'
import { statsOf } from './stats.js'
import { fmt, table } from './table.js'

const WARMUP = 5
const BATCH = 5000

/**
 * pgRouting as a second peer, as routing-peers.md ran it: one row per directed edge, one
 * pgr_dijkstra call per pair over loopback (the graph is rebuilt inside every call), then all
 * pairs in one call with a combinations SQL. Works in a private schema dropped afterwards; says
 * why when it is skipped (no server, no extension).
 */
export async function pgRoutingRows(
  graph: StreetGraph,
  count: number,
): Promise<{ text: string; failures: number }> {
  const title = '### pgRouting peer (Milan foot, peer protocol graph, ms per pair)'
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, database: 'test', user: 'root' })
  try {
    await client.connect()
  } catch (error) {
    return {
      text: `${title}\n\nSkipped: no PostgreSQL on 127.0.0.1:5432 (${(error as Error).message}).`,
      failures: 0,
    }
  }
  const schema = `routing_bench_${process.pid}`
  try {
    await client.query(`CREATE SCHEMA ${schema}`)
    const has = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'pgrouting'`)
    if (has.rowCount === 0) {
      const available = await client.query(
        `SELECT 1 FROM pg_available_extensions WHERE name = 'pgrouting'`,
      )
      if (available.rowCount === 0) {
        const text = `${title}\n\nSkipped: the pgrouting extension is not installed (apt-get install postgresql-15-pgrouting).`
        return { text, failures: 0 }
      }
      await client.query(`CREATE EXTENSION pgrouting SCHEMA ${schema} CASCADE`)
    }
    await client.query(`SET search_path = ${schema}, public`)
    await loadEdges(client, schema, graph)
    const { text, failures } = await timePairs(client, schema, graph, count)
    return { text: `${title}\n\n${text}`, failures }
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
    await client.end()
  }
}

async function loadEdges(client: pg.Client, schema: string, graph: StreetGraph): Promise<void> {
  await client.query(
    `CREATE TABLE ${schema}.edges (id int, source bigint, target bigint, cost float8)`,
  )
  const m = graph.edgeHead.length
  const tails = new Uint32Array(m)
  for (let v = 0; v < graph.nodeCount; v++) {
    for (let e = graph.firstOut[v]!; e < graph.firstOut[v + 1]!; e++) tails[e] = v
  }
  for (let start = 0; start < m; start += BATCH) {
    const ids: number[] = []
    const sources: number[] = []
    const targets: number[] = []
    const costs: number[] = []
    for (let e = start; e < Math.min(m, start + BATCH); e++) {
      ids.push(e + 1)
      sources.push(tails[e]! + 1)
      targets.push(graph.edgeHead[e]! + 1)
      costs.push(graph.edgeCost[e]!)
    }
    await client.query(
      `INSERT INTO ${schema}.edges SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::float8[])`,
      [ids, sources, targets, costs],
    )
  }
  await client.query(`ANALYZE ${schema}.edges`)
}

async function timePairs(
  client: pg.Client,
  schema: string,
  graph: StreetGraph,
  count: number,
): Promise<{ text: string; failures: number }> {
  const pairs = peerPairs(largestScc(graph), count)
  const edges = `SELECT id, source, target, cost FROM ${schema}.edges`
  const call = `SELECT seq, path_seq, node, edge, cost, agg_cost FROM pgr_dijkstra($1, $2::bigint, $3::bigint, true)`
  for (const [a, b] of pairs.slice(0, WARMUP)) await client.query(call, [edges, a + 1, b + 1])
  const times: number[] = []
  let mismatches = 0
  for (const [a, b] of pairs) {
    const start = performance.now()
    const { rows } = await client.query(call, [edges, a + 1, b + 1])
    times.push(performance.now() - start)
    const cost = rows.length === 0 ? Infinity : Number(rows[rows.length - 1].agg_cost)
    const ours = findRoute(graph, { node: a }, { node: b }).cost
    if (!(Math.abs(cost - ours) <= 1e-6 * ours)) mismatches++
  }
  await client.query(
    `CREATE TABLE ${schema}.pairs AS SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS p(source, target)`,
    [pairs.map(([a]) => a + 1), pairs.map(([, b]) => b + 1)],
  )
  const start = performance.now()
  await client.query(
    `SELECT * FROM pgr_dijkstra($1, 'SELECT source, target FROM ${schema}.pairs', true)`,
    [edges],
  )
  const batchMs = performance.now() - start
  const s = statsOf(times)
  const text = [
    table(
      ['call', 'p50', 'p90', 'p99', 'mean', 'cost mismatches vs ours (1e-6)'],
      [
        [
          'pgr_dijkstra, one call per pair',
          fmt(s.p50, 1),
          fmt(s.p90, 1),
          fmt(s.p99, 1),
          fmt(s.mean, 1),
          mismatches,
        ],
        [
          `pgr_dijkstra, ${pairs.length} pairs in one call`,
          '',
          '',
          '',
          fmt(batchMs / pairs.length, 2),
          '',
        ],
      ],
    ),
  ].join('\n')
  return { text, failures: mismatches }
}
