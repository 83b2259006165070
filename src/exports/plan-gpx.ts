import { unitRouteLine, type PlanDocument } from './plan-document.js'
import { coordinate, xmlEscape } from './xml.js'

/**
 * The plan as GPX 1.1 for a phone or a car's navigator: a waypoint per stop (named "unit #seq
 * street", with arrival time) and a track per unit. GPX carries latitude and longitude as
 * attributes `lat` and `lon` (axis order is where exports break: [lon, lat] positions are read here).
 */
export function planToGpx(plan: PlanDocument): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="patrol-service" xmlns="http://www.topografix.com/GPX/1/1">',
    `<metadata><name>${xmlEscape(`Patrol plan ${plan.network} ${plan.shiftStart}`)}</name><time>${plan.createdAt}</time></metadata>`,
  ]
  for (const unit of plan.units) {
    for (const stop of unit.stops) {
      const [lon, lat] = stop.position
      const name = `${unit.id} #${stop.seq} ${stop.street ?? stop.segmentId}`
      out.push(
        `<wpt lat="${coordinate(lat)}" lon="${coordinate(lon)}"><time>${stop.arrive}</time><name>${xmlEscape(name)}</name><desc>${xmlEscape(`${stop.arrive}–${stop.leave}: ${stop.reason}`)}</desc><type>${stop.kind}</type></wpt>`,
      )
    }
  }
  for (const unit of plan.units) {
    out.push(`<trk><name>${xmlEscape(unit.id)}</name><type>${unit.mode}</type><trkseg>`)
    for (const [lon, lat] of unitRouteLine(unit))
      out.push(`<trkpt lat="${coordinate(lat)}" lon="${coordinate(lon)}"/>`)
    out.push('</trkseg></trk>')
  }
  out.push('</gpx>')
  return out.join('\n') + '\n'
}
