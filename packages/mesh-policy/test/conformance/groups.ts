// Every group of request cases, in the order the README describes them.
import type { ConformanceGroup } from './harness.ts'
import { conditions } from './cases/conditions.ts'
import { allowNothingAndAll, denyPrincipal, explicitDeny, pathPrecedence } from './cases/evaluation-order.ts'
import { jwtAuthorization } from './cases/jwt-claims.ts'
import { hostsMethodsPorts, ingressGateway } from './cases/operations.ts'
import { pathNormalization, pathTemplates } from './cases/paths.ts'
import { authnAuthz, authnOnly, forwardAndTimeout } from './cases/request-authentication.ts'
import { workloadSelector } from './cases/scoping.ts'
import { namespaces, principals, serviceAccounts, trustDomainMigration, trustDomains } from './cases/sources.ts'
import { cookies, meshWideTwoIssuers } from './cases/token-scoping.ts'
import { audiences, keySources, tokenLocations } from './cases/token-rules.ts'

export const GROUPS: ConformanceGroup[] = [
  authnOnly, authnAuthz, ...forwardAndTimeout, audiences, ...keySources, tokenLocations, meshWideTwoIssuers, cookies,
  jwtAuthorization,
  denyPrincipal, pathPrecedence, explicitDeny, ...allowNothingAndAll,
  principals, serviceAccounts, ...namespaces, trustDomains, ...trustDomainMigration,
  conditions, ingressGateway, hostsMethodsPorts, pathNormalization, pathTemplates,
  ...workloadSelector,
]
