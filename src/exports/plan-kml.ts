import { unitRouteLine, type PlanDocument } from './plan-document.js'
import { coordinate, xmlEscape } from './xml.js'

/**
 * The plan as KML 2.2 for GIS: a folder per unit with its route (LineString) and its stops
 * (Points). KML coordinates are `lon,lat[,alt]` tuples.
 */
export function planToKml(plan: PlanDocument): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
    `<name>${xmlEscape(`Patrol plan ${plan.network} ${plan.shiftStart}`)}</name>`,
  ]
  for (const unit of plan.units) {
    const coords = unitRouteLine(unit)
      .map(([lon, lat]) => `${coordinate(lon)},${coordinate(lat)},0`)
      .join(' ')
    out.push(`<Folder><name>${xmlEscape(unit.id)}</name>`)
    out.push(
      `<Placemark><name>${xmlEscape(`${unit.id} route`)}</name><LineString><coordinates>${coords}</coordinates></LineString></Placemark>`,
    )
    for (const stop of unit.stops) {
      const [lon, lat] = stop.position
      out.push(
        `<Placemark><name>${xmlEscape(`${unit.id} #${stop.seq} ${stop.street ?? stop.segmentId}`)}</name><description>${xmlEscape(`${stop.arrive}–${stop.leave}: ${stop.reason}`)}</description><TimeSpan><begin>${stop.arrive}</begin><end>${stop.leave}</end></TimeSpan><Point><coordinates>${coordinate(lon)},${coordinate(lat)},0</coordinates></Point></Placemark>`,
      )
    }
    out.push('</Folder>')
  }
  out.push('</Document></kml>')
  return out.join('\n') + '\n'
}
