/**
 * Time: wall-clock arithmetic in IANA zones with one daylight-saving policy for the whole service
 * (a wall time skipped by spring forward moves forward by the gap; one shown twice by fall back is
 * the earlier instant). "Local ms" is a wall-clock time written as if it were UTC.
 */
export * from './zone-clock.js'
