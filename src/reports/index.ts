/**
 * Resident reports (Open311 GeoReport v2 shaped): report types as data, attribute checks,
 * de-duplication (same type within 50 m and 1 h → one report with a count) and abuse caps
 * (per device, account and ≈ 500 m area per hour; a source flooding an area is flagged).
 * Reports are a separate, typed layer of risk: each type has a weight and a cap, off by default.
 */
export * from './abuse.js'
export * from './attributes.js'
export * from './service-types.js'
export * from './address.js'
