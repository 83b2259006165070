import { describe, expect, it } from 'vitest'
import {
  DRIVE,
  DRIVE_AS_PROVENANCE,
  DRIVE_PEER_PROTOCOL,
  FOOT,
  FOOT_AS_PROVENANCE,
  isWayKept,
  parseMaxspeedKmh,
  waySpeedKmh,
  wayDirection,
} from '../../src/network/index.js'

describe('parseMaxspeedKmh', () => {
  it('reads plain numbers and units', () => {
    expect(parseMaxspeedKmh('50')).toBe(50)
    expect(parseMaxspeedKmh('50 km/h')).toBe(50)
    expect(parseMaxspeedKmh('35 mph')).toBeCloseTo(56.33, 2)
    expect(parseMaxspeedKmh('10 knots')).toBeCloseTo(18.52, 2)
  })

  it('takes the lowest speed of a list', () => {
    expect(parseMaxspeedKmh('50;30')).toBe(30)
    expect(parseMaxspeedKmh('70|signals|50')).toBe(50)
  })

  it('returns undefined for junk seen in OSM (Atlanta has "sign", "survey 2015-02-22", "2 mph")', () => {
    for (const junk of [
      'signals',
      'none',
      'walk',
      'RO:urban',
      'sign',
      'survey 2015-02-22',
      '2 mph',
      '0',
    ]) {
      expect(parseMaxspeedKmh(junk)).toBeUndefined()
    }
    expect(parseMaxspeedKmh(undefined)).toBeUndefined()
  })
})

describe('waySpeedKmh', () => {
  it('uses maxspeed over the class default for drive only', () => {
    expect(waySpeedKmh({ highway: 'residential' }, DRIVE)).toBe(25)
    expect(waySpeedKmh({ highway: 'residential', maxspeed: '30 mph' }, DRIVE)).toBeCloseTo(48.28, 2)
    expect(waySpeedKmh({ highway: 'residential', maxspeed: 'RO:urban' }, DRIVE)).toBe(25)
    expect(waySpeedKmh({ highway: 'residential', maxspeed: '30 mph' }, DRIVE_AS_PROVENANCE)).toBe(
      25,
    )
    expect(waySpeedKmh({ highway: 'primary', maxspeed: '70' }, FOOT)).toBe(5)
  })
})

describe('wayDirection', () => {
  it('reads oneway values', () => {
    expect(wayDirection({ highway: 'residential', oneway: 'yes' }, DRIVE)).toBe('forward')
    expect(wayDirection({ highway: 'residential', oneway: '1' }, DRIVE)).toBe('forward')
    expect(wayDirection({ highway: 'residential', oneway: '-1' }, DRIVE)).toBe('backward')
    expect(wayDirection({ highway: 'residential', oneway: 'reverse' }, DRIVE)).toBe('backward')
    expect(wayDirection({ highway: 'residential', oneway: 'no' }, DRIVE)).toBe('both')
    expect(wayDirection({ highway: 'residential' }, DRIVE)).toBe('both')
  })

  it('makes roundabouts and motorways one-way unless tagged otherwise', () => {
    expect(wayDirection({ highway: 'tertiary', junction: 'roundabout' }, DRIVE)).toBe('forward')
    expect(wayDirection({ highway: 'motorway' }, DRIVE)).toBe('forward')
    expect(wayDirection({ highway: 'motorway', oneway: '-1' }, DRIVE)).toBe('backward')
  })

  it('makes circular junctions one-way like roundabouts', () => {
    const tags = { highway: 'tertiary', junction: 'circular' }
    expect(wayDirection(tags, DRIVE)).toBe('forward')
    expect(wayDirection(tags, DRIVE_AS_PROVENANCE)).toBe('forward')
    expect(wayDirection({ ...tags, oneway: '-1' }, DRIVE)).toBe('backward')
    expect(wayDirection({ ...tags, oneway: 'no' }, DRIVE)).toBe('both')
    expect(wayDirection({ ...tags, oneway: 'no' }, DRIVE_AS_PROVENANCE)).toBe('forward')
    expect(wayDirection(tags, FOOT)).toBe('both')
  })

  it('lets oneway=no win on a roundabout, except as PROVENANCE counts it', () => {
    const tags = { highway: 'unclassified', junction: 'roundabout', oneway: 'no' }
    expect(wayDirection(tags, DRIVE)).toBe('both')
    expect(wayDirection(tags, DRIVE_PEER_PROTOCOL)).toBe('both')
    expect(wayDirection(tags, DRIVE_AS_PROVENANCE)).toBe('forward')
  })

  it('ignores one-ways on foot', () => {
    expect(wayDirection({ highway: 'residential', oneway: 'yes' }, FOOT)).toBe('both')
  })
})

describe('isWayKept', () => {
  it('keeps the classes of the mode and never areas', () => {
    expect(isWayKept({ highway: 'footway' }, DRIVE)).toBe(false)
    expect(isWayKept({ highway: 'footway' }, FOOT)).toBe(true)
    expect(isWayKept({ highway: 'motorway' }, FOOT)).toBe(false)
    expect(isWayKept({ highway: 'pedestrian', area: 'yes' }, FOOT_AS_PROVENANCE)).toBe(false)
  })

  it('closes ways by access, the most specific tag winning', () => {
    expect(isWayKept({ highway: 'service', access: 'private' }, DRIVE)).toBe(false)
    expect(isWayKept({ highway: 'residential', motor_vehicle: 'no' }, DRIVE)).toBe(false)
    expect(isWayKept({ highway: 'residential', access: 'no', motorcar: 'yes' }, DRIVE)).toBe(true)
    expect(isWayKept({ highway: 'pedestrian', access: 'no', foot: 'yes' }, FOOT)).toBe(true)
    expect(isWayKept({ highway: 'cycleway', foot: 'no' }, FOOT)).toBe(false)
    expect(isWayKept({ highway: 'residential', motor_vehicle: 'no' }, FOOT)).toBe(true)
    expect(isWayKept({ highway: 'service', access: 'private' }, DRIVE_AS_PROVENANCE)).toBe(true)
  })

  it('leaves parking aisles, driveways and drive-throughs out of drive', () => {
    for (const service of ['parking_aisle', 'driveway', 'drive-through']) {
      expect(isWayKept({ highway: 'service', service }, DRIVE)).toBe(false)
      expect(isWayKept({ highway: 'service', service }, FOOT)).toBe(true)
    }
    expect(isWayKept({ highway: 'service', service: 'alley' }, DRIVE)).toBe(true)
  })

  it('leaves reversible and alternating one-ways out of drive', () => {
    for (const oneway of ['reversible', 'alternating']) {
      expect(isWayKept({ highway: 'primary', oneway }, DRIVE)).toBe(false)
      expect(isWayKept({ highway: 'primary', oneway }, FOOT)).toBe(true)
      // PROVENANCE counts them (it has no filters)
      expect(isWayKept({ highway: 'primary', oneway }, DRIVE_AS_PROVENANCE)).toBe(true)
    }
  })
})
