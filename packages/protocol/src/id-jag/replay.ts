/**
 * Records redeemed ID-JAGs. `firstUse` must be atomic across every replica (one insert that fails on conflict), keep
 * the entry at least until `exp` (epoch seconds), and answer true only the first time (`iss`, `jti`) is seen.
 *
 * @example
 * const replay: ReplayStore = { firstUse: (iss, jti, exp) => db.insertJtiIfAbsent(iss, jti, exp) }
 * @see spec/xaa-protocol.md section 2(d) step 7, checklist item 19, project decision 1
 */
export interface ReplayStore {
  firstUse(iss: string, jti: string, exp: number): Promise<boolean>
}

/**
 * Passed as `replay` to let one ID-JAG be redeemed again until its `exp` (the draft's section 4.4.3 reading). Off by
 * default: project decision 1 is single use, and a dangerous switch takes a named symbol no JSON file can set.
 *
 * @see spec/xaa-protocol.md section 8, decision 1
 */
export const ALLOW_ID_JAG_REPRESENTATION: unique symbol = Symbol('ALLOW_ID_JAG_REPRESENTATION')
