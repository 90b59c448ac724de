/**
 * Product ids: decimal integers, optionally negative, within the safe-integer range (contract §11 #4:
 * we do not copy Ruby's hex/octal/underscore forms). Returns undefined for anything else.
 */
export function parseProductId (raw: string | undefined): number | undefined {
  if (raw === undefined || !/^-?\d{1,16}$/.test(raw)) return undefined
  const n = Number(raw)
  return Number.isSafeInteger(n) ? n : undefined
}
