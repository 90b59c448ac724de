import type { Operation, Rule, Source } from '../types.ts'
import { readCondition } from './condition.ts'
import { checkKeys, child, fail, readEach, readList, readObj, readStrings, type At } from './read.ts'
import { checkIpBlocks, checkPathTemplates, checkPorts, checkServiceAccounts, checkTrustDomains } from './values.ts'

const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains', 'ipBlocks', 'notIpBlocks',
  'remoteIpBlocks', 'notRemoteIpBlocks',
] as const

const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const

/** Reads each named field as a string list; undefined for the ones not set. */
function readFields<F extends string> (obj: Record<string, unknown>, at: At, fields: readonly F[]): Partial<Record<F, string[]>> {
  const out: Partial<Record<F, string[]>> = {}
  for (const field of fields) {
    const list = readStrings(obj[field], child(at, field))
    if (list) out[field] = list
  }
  return out
}

/** A `{ <key>: { ...fields } }` list entry (`source`, `operation`): the inner object, non-empty, read as string lists. */
function readEntry<F extends string> (value: unknown, at: At, key: string, fields: readonly F[]): [Partial<Record<F, string[]>>, At] {
  const entry = readObj(value, at)
  checkKeys(entry, at, [key])
  const iat = child(at, key)
  if (entry[key] === undefined || entry[key] === null) fail(iat, 'is required')
  const inner = readObj(entry[key], iat)
  checkKeys(inner, iat, fields)
  const read = readFields(inner, iat, fields)
  // Istio's validation: an empty source or operation would read as "anything" by accident.
  if (Object.keys(read).length === 0) fail(iat, 'must not be empty')
  return [read, iat]
}

function readSource (value: unknown, at: At): Source {
  const [source, sat] = readEntry(value, at, 'source', SOURCE_FIELDS)
  if ((source.serviceAccounts ?? source.notServiceAccounts) && (source.principals ?? source.notPrincipals ?? source.namespaces ?? source.notNamespaces)) {
    fail(sat, 'cannot set serviceAccounts with namespaces or principals')
  }
  for (const f of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const) checkIpBlocks(source[f], child(sat, f))
  for (const f of ['serviceAccounts', 'notServiceAccounts'] as const) checkServiceAccounts(source[f], child(sat, f))
  for (const f of ['trustDomains', 'notTrustDomains'] as const) checkTrustDomains(source[f], child(sat, f))
  return source
}

function readOperation (value: unknown, at: At): Operation {
  const [operation, oat] = readEntry(value, at, 'operation', OPERATION_FIELDS)
  for (const f of ['ports', 'notPorts'] as const) checkPorts(operation[f], child(oat, f))
  for (const f of ['paths', 'notPaths'] as const) checkPathTemplates(operation[f], child(oat, f))
  return operation
}

/** `from: []` or `to: []` are refused by Istio (an explicitly empty list is a mistake, not "any"). */
function readNonEmpty<T> (value: unknown, at: At, read: (item: unknown, at: At) => T): T[] | undefined {
  if (readList(value, at)?.length === 0) fail(at, 'must not be empty')
  return readEach(value, at, read)
}

export function readRule (value: unknown, at: At): Rule {
  const rule = readObj(value, at)
  checkKeys(rule, at, ['from', 'to', 'when'])
  const from = readNonEmpty(rule.from, child(at, 'from'), readSource)
  const to = readNonEmpty(rule.to, child(at, 'to'), readOperation)
  const when = readEach(rule.when, child(at, 'when'), readCondition)
  return { from, to, when: when?.length ? when : undefined }
}
