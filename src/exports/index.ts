/**
 * Plan exports for the car's screen (GeoJSON), a phone (GPX), GIS (KML) and a printed briefing
 * (CSV). Pure functions of a stored plan document; positions are [lon, lat] everywhere inside,
 * and each writer puts them in its format's order.
 */
export * from './plan-document.js'
export { planToCsv } from './plan-csv.js'
export { planToGeoJson } from './plan-geojson.js'
export { planToGpx } from './plan-gpx.js'
export { planToKml } from './plan-kml.js'
