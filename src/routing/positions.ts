import type { DirectedStep, PlanGraph, SegmentPosition } from './plan-graph.js'

/** A partial pass between a position on a segment and one of the segment's end nodes. */
export interface PositionLink {
  readonly node: number
  readonly costS: number
  readonly step: PartialStep
}

/** A directed step over part of a segment: from `fromM` to `toM` metres along its geometry. */
export interface PartialStep extends DirectedStep {
  readonly fromM: number
  readonly toM: number
}

/**
 * The ways off a position: forward to the segment's end node, and backward to its start node
 * unless the segment is one-way (no U-turns mid-segment).
 */
export function exitsOf(graph: PlanGraph, position: SegmentPosition): PositionLink[] {
  const { segment: s, offsetM } = position
  const length = graph.lengthM[s]
  const links: PositionLink[] = [
    {
      node: graph.segmentTo[s],
      costS: partialS(graph, s, length - offsetM),
      step: { segment: s, direction: 'forward', fromM: offsetM, toM: length },
    },
  ]
  if (!graph.oneway[s]) {
    links.push({
      node: graph.segmentFrom[s],
      costS: partialS(graph, s, offsetM),
      step: { segment: s, direction: 'backward', fromM: offsetM, toM: 0 },
    })
  }
  return links
}

/** The ways onto a position: from the start node forward, and from the end node backward unless one-way. */
export function entriesOf(graph: PlanGraph, position: SegmentPosition): PositionLink[] {
  const { segment: s, offsetM } = position
  const length = graph.lengthM[s]
  const links: PositionLink[] = [
    {
      node: graph.segmentFrom[s],
      costS: partialS(graph, s, offsetM),
      step: { segment: s, direction: 'forward', fromM: 0, toM: offsetM },
    },
  ]
  if (!graph.oneway[s]) {
    links.push({
      node: graph.segmentTo[s],
      costS: partialS(graph, s, length - offsetM),
      step: { segment: s, direction: 'backward', fromM: length, toM: offsetM },
    })
  }
  return links
}

/** Seconds from `from` to `to` along their shared segment without leaving it; Infinity otherwise. */
export function alongSegmentS(
  graph: PlanGraph,
  from: SegmentPosition,
  to: SegmentPosition,
): number {
  if (from.segment !== to.segment) return Infinity
  const d = to.offsetM - from.offsetM
  if (d >= 0) return partialS(graph, from.segment, d)
  return graph.oneway[from.segment] ? Infinity : partialS(graph, from.segment, -d)
}

function partialS(graph: PlanGraph, s: number, metres: number): number {
  const length = graph.lengthM[s]
  return length > 0 ? (graph.travelS[s] * metres) / length : 0
}
