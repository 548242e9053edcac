import type { ReplayStore } from '../replay.js'

export type { ReplayStore }

/**
 * Passed as `replay` to let one ID-JAG be redeemed again until its `exp` (the draft's section 4.4.3 reading). Off by
 * default: project decision 1 is single use, and a dangerous switch takes a named symbol no JSON file can set.
 *
 * @see spec/xaa-protocol.md section 8, decision 1
 */
export const ALLOW_ID_JAG_REPRESENTATION: unique symbol = Symbol('ALLOW_ID_JAG_REPRESENTATION')
