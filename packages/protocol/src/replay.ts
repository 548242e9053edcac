/**
 * Records one-time identifiers (`jti`) until they expire, atomically: `firstUse` resolves `true` for the first
 * caller only, on every replica (e.g. one insert with `onConflict().doNothing()`). One interface serves redeemed
 * ID-JAGs (scope = `iss`), client assertions (scope = client id) and DPoP proofs (scope = key thumbprint).
 *
 * @see spec/xaa-protocol.md 2(d) step 7, checklist item 19, decision 1; RFC 7523 section 3; RFC 9449 section 11.1
 */
export interface ReplayStore {
  /**
   * @param scope who issued the identifier (a client id, a DPoP key thumbprint): `jti`s are unique per issuer.
   * @param jti the identifier.
   * @param expiresAt epoch seconds after which the entry may be forgotten.
   * @returns true the first time, false for a replay.
   */
  firstUse(scope: string, jti: string, expiresAt: number): Promise<boolean>
}
