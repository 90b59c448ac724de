import type { JSONWebKeySet } from 'jose'
import type { ClaimToHeader, JwtHeaderLocation, JwtRule, RequestAuthentication, ResourceRef } from '../types.ts'
import { checkKeys, child, fail, isObj, readBoolean, readDurationMs, readEach, readObj, readString, readStrings, type At, type Obj } from './read.ts'
import { readScope, TARGET_FIELDS } from './scope.ts'

const JWT_RULE_FIELDS = [
  'issuer', 'audiences', 'jwksUri', 'jwks_uri', 'jwks', 'fromHeaders', 'fromParams', 'fromCookies', 'outputPayloadToHeader',
  'forwardOriginalToken', 'outputClaimToHeaders', 'timeout', 'spaceDelimitedClaims',
] as const

function readJwks (value: unknown, at: At): JSONWebKeySet {
  if (typeof value !== 'string') fail(at, 'must be a JSON string')
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    fail(at, 'is not valid JSON')
  }
  if (!isObj(parsed) || !Array.isArray(parsed.keys)) fail(at, 'must be a JWK set ({"keys": [...]})')
  return parsed as unknown as JSONWebKeySet
}

function readHeaderLocation (value: unknown, at: At): JwtHeaderLocation {
  const loc = readObj(value, at)
  checkKeys(loc, at, ['name', 'prefix'])
  const prefix = loc.prefix ?? ''
  if (typeof prefix !== 'string') fail(child(at, 'prefix'), 'must be a string')
  return { name: readString(loc.name, child(at, 'name')).toLowerCase(), prefix }
}

const HEADER_NAME = /^[-_A-Za-z0-9]+$/

function readClaimToHeader (value: unknown, at: At): ClaimToHeader {
  const entry = readObj(value, at)
  checkKeys(entry, at, ['header', 'claim'])
  const header = readString(entry.header, child(at, 'header'))
  if (!HEADER_NAME.test(header)) fail(child(at, 'header'), `"${header}" is not a valid header name`)
  return { header: header.toLowerCase(), claim: readString(entry.claim, child(at, 'claim')) }
}

function readJwksUri (rule: Obj, at: At): string | undefined {
  const key = rule.jwks_uri === undefined ? 'jwksUri' : 'jwks_uri'
  const value = rule[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !/^https?:\/\/[^/?#]+/.test(value)) fail(child(at, key), 'must be an http(s) URL')
  return value
}

function readJwtRule (value: unknown, at: At): JwtRule {
  const rule = readObj(value, at)
  checkKeys(rule, at, JWT_RULE_FIELDS)
  const issuer = rule.issuer ?? ''
  if (typeof issuer !== 'string') fail(child(at, 'issuer'), 'must be a string')
  const jwksUri = readJwksUri(rule, at)
  if (issuer === '' && jwksUri === undefined) fail(at, 'issuer or jwksUri must be set')
  const jwks = rule.jwks === undefined ? undefined : readJwks(rule.jwks, child(at, 'jwks'))
  if (jwks && jwksUri) fail(at, 'only one of jwks or jwksUri can be set')
  const outputClaimToHeaders = readEach(rule.outputClaimToHeaders, child(at, 'outputClaimToHeaders'), readClaimToHeader)
  const outputPayloadToHeader = rule.outputPayloadToHeader === undefined ? undefined : readString(rule.outputPayloadToHeader, child(at, 'outputPayloadToHeader'))
  return {
    issuer,
    jwksUri,
    jwks,
    audiences: readStrings(rule.audiences, child(at, 'audiences')),
    forwardOriginalToken: readBoolean(rule.forwardOriginalToken, child(at, 'forwardOriginalToken')),
    fromHeaders: readEach(rule.fromHeaders, child(at, 'fromHeaders'), readHeaderLocation),
    fromParams: readStrings(rule.fromParams, child(at, 'fromParams')),
    fromCookies: readStrings(rule.fromCookies, child(at, 'fromCookies')),
    outputPayloadToHeader: outputPayloadToHeader?.toLowerCase(),
    outputClaimToHeaders: outputClaimToHeaders?.length ? outputClaimToHeaders : undefined,
    timeoutMs: readDurationMs(rule.timeout, child(at, 'timeout')),
    spaceDelimitedClaims: readStrings(rule.spaceDelimitedClaims, child(at, 'spaceDelimitedClaims')),
  }
}

export function readRequestAuthentication (spec: Obj, at: At, ref: ResourceRef): RequestAuthentication {
  checkKeys(spec, at, ['selector', 'jwtRules', ...TARGET_FIELDS])
  return { ...readScope(spec, at, ref), jwtRules: readEach(spec.jwtRules, child(at, 'jwtRules'), readJwtRule) ?? [] }
}
