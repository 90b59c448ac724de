// Envoy's jwt_authn statuses and the exact bodies it answers with (jwt_verify_lib's status strings).

export const JWT_STATUS = {
  missed: 'Jwt is missing',
  notYetValid: 'Jwt not yet valid',
  expired: 'Jwt is expired',
  badFormat: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections',
  headerBadBase64: 'Jwt header is an invalid Base64url encoded',
  headerBadJson: 'Jwt header is an invalid JSON',
  headerBadAlg: 'Jwt header [alg] field is required and must be a string',
  headerNotImplementedAlg: 'Jwt header [alg] is not supported',
  headerBadKid: 'Jwt header [kid] field is not a string',
  payloadBadBase64: 'Jwt payload is an invalid Base64url encoded',
  payloadBadJson: 'Jwt payload is an invalid JSON',
  issNotString: 'Jwt payload [iss] field is not a string',
  subNotString: 'Jwt payload [sub] field is not a string',
  iatNotInteger: 'Jwt payload [iat] field is not an integer',
  iatOutOfRange: 'Jwt payload [iat] field is not a positive 64 bit integer',
  nbfNotInteger: 'Jwt payload [nbf] field is not an integer',
  nbfOutOfRange: 'Jwt payload [nbf] field is not a positive 64 bit integer',
  expNotInteger: 'Jwt payload [exp] field is not an integer',
  expOutOfRange: 'Jwt payload [exp] field is not a positive 64 bit integer',
  jtiNotString: 'Jwt payload [jti] field is not a string',
  audNotString: 'Jwt payload [aud] field is not a string or string list',
  signatureBadBase64: 'Jwt signature is an invalid Base64url encoded',
  unknownIssuer: 'Jwt issuer is not configured',
  audienceNotAllowed: 'Audiences in Jwt are not allowed',
  verificationFail: 'Jwt verification fails',
  jwksKidAlgMismatch: "Jwks doesn't have key to match kid or alg from Jwt",
  jwksNoValidKeys: "Jwks doesn't have any valid public key",
  jwksFetchFail: 'Jwks remote fetch is failed',
} as const

export type JwtStatus = keyof typeof JWT_STATUS | 'ok'

/** Envoy answers 403 for a token whose audience no rule allows, 401 for every other failure. */
export function httpStatusOf (status: Exclude<JwtStatus, 'ok'>): 401 | 403 {
  return status === 'audienceNotAllowed' ? 403 : 401
}
