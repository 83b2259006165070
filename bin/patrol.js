#!/usr/bin/env -S node --max-semi-space-size=16
// The `patrol` command: runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/index.ts')
