/**
 * JSON.stringify replacer: bigint (revisions, positions) as a JSON number, as API.md puts them on
 * the wire. Positions stay far below 2^53 in practice; a larger one would lose precision.
 */
export function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
