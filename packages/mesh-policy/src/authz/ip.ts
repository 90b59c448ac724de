import { BlockList, isIPv4 } from 'node:net'

/** A client address as Envoy reports it: IPv4-mapped IPv6 (`::ffff:10.1.2.3`) is the IPv4 address. */
export function canonicalIp (address: string | undefined): string | undefined {
  if (address === undefined) return undefined
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped?.[1] ?? address
}

/** A single IP or CIDR block as a test (an IPv4 block never matches an IPv6 address, and back). */
export function ipTest (block: string): (address: string) => boolean {
  const [ip = '', prefix] = block.split('/')
  const type = isIPv4(ip) ? 'ipv4' : 'ipv6'
  const list = new BlockList()
  if (prefix === undefined) list.addAddress(ip, type)
  else list.addSubnet(ip, Number(prefix), type)
  return (address) => {
    const family = isIPv4(address) ? 'ipv4' : 'ipv6'
    return family === type && list.check(address, family)
  }
}
