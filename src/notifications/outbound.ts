import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Where the service may send a request on a record's say-so: a worker's WeCom webhook. Without
// these rules anyone who can edit a worker could point it at the API itself on loopback, the
// cloud's metadata address or the office network (server-side request forgery). A URL must be
// https to a host on the allow-list (default: the WeCom API host), and none of the addresses the
// host resolves to may be loopback, private, link-local or otherwise not public. Checked when the
// URL is written and again, with a fresh DNS lookup, each time it is used.

export const DEFAULT_WECOM_HOSTS = ['qyapi.weixin.qq.com'];

export interface OutboundPolicy {
  /**
   * Host names (any https URL on them), or full origins (`http://127.0.0.1:8080`): an origin is an
   * operator's explicit exception — a local relay, a test's robot — and skips the other checks.
   */
  allowed: string[];
}

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NOT_PUBLIC.check(mapped[1]!, 'ipv4');
  return NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The policy from WECOM_ALLOWED_HOSTS (comma-separated; the WeCom API host when unset). */
export function outboundPolicy(allowedHosts: string | undefined): OutboundPolicy {
  const allowed = (allowedHosts ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  return { allowed: allowed.length > 0 ? allowed : DEFAULT_WECOM_HOSTS };
}

/** Why a webhook URL may not be used, without looking anything up; undefined when it may. */
export function webhookUrlProblem(raw: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (policy.allowed.includes(url.origin.toLowerCase())) return undefined;
  if (url.protocol !== 'https:') return `must be https, not ${url.protocol.replace(':', '')}`;
  if (url.username || url.password) return 'must not carry a user name or password';
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (isNonPublicAddress(host)) return `${host} is not a public address`;
  if (!policy.allowed.includes(host)) return `host ${host} is not on the allow-list (WECOM_ALLOWED_HOSTS: ${policy.allowed.join(', ')})`;
  return undefined;
}

/**
 * Why a webhook URL may not be used now: the checks above, then every address its host resolves
 * to must be public (a name on the allow-list could have been pointed at loopback since).
 */
export async function webhookUrlProblemAtSend(raw: string, policy: OutboundPolicy, resolve: (host: string) => Promise<string[]> = resolveAll): Promise<string | undefined> {
  const problem = webhookUrlProblem(raw, policy);
  if (problem) return problem;
  const url = new URL(raw);
  if (policy.allowed.includes(url.origin.toLowerCase())) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (error) {
    return `cannot resolve ${host}: ${(error as Error).message}`;
  }
  const blocked = addresses.filter(isNonPublicAddress);
  return blocked.length > 0 ? `${host} resolves to ${blocked.join(', ')}, which is not a public address` : undefined;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}
