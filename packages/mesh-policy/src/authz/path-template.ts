// Path templates (`{*}`, `{**}`) as Envoy's uri_template matcher compiles them, which is what Istio
// configures: `{*}` is one non-empty segment, `{**}` any run of characters including `/` (possibly
// empty), literals are matched as written, and the whole path must match.

const LITERAL = "a-zA-Z0-9\\-._~%!$&'()+,;:@="
const ONE_SEGMENT = `[${LITERAL}]+`
const ANY_SEGMENTS = `[${LITERAL}/]*`

function escapeLiteral (text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

export function pathTemplateTest (template: string): (path: string) => boolean {
  const source = template.split(/(\{\*\*\}|\{\*\})/).map((part) => {
    if (part === '{**}') return ANY_SEGMENTS
    if (part === '{*}') return ONE_SEGMENT
    return escapeLiteral(part)
  }).join('')
  const re = new RegExp(`^${source}$`)
  return (path) => re.test(path)
}
