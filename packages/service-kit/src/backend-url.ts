/**
 * `http://<host><.domain>:<port>`: how upstream builds the URL of a sibling service from its
 * `<NAME>_HOSTNAME`, `SERVICES_DOMAIN` and `<NAME>_SERVICE_PORT` (an empty domain adds nothing).
 */
export function backendUrl (host: string, domain: string | undefined, port: number): string {
  return `http://${host}${domain ? `.${domain}` : ''}:${port}`
}
