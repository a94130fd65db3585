import net from "node:net";

// Addresses a link preview never fetches from unless the admin allowed the host: the machine itself, the
// private networks behind it, and the ranges that are not the public internet (RFC 6890 and friends).
const notPublic = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15],
  ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) notPublic.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of [
  ["::", 128], ["::1", 128], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001::", 23], ["2001:db8::", 32],
  ["2002::", 16], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8],
] as const) notPublic.addSubnet(address, prefix, "ipv6");

/** Whether an IP address is on the public internet (an IPv4-mapped IPv6 address is judged by its IPv4 part). */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return !notPublic.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Host names as an admin lists them (one per line or comma): lower case, no port, no trailing dot. */
export function parseHostList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((host) => host.trim().toLowerCase().replace(/\.$/, "")).filter((host) => /^(\*\.)?[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/.test(host)))];
}

/** Whether a host is on the admin's list of intranet hosts: the name itself, or "*.example.org" for its sub-domains. */
export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  return allowed.some((entry) => {
    const rule = entry.replace(/^\[|\]$/g, "");
    return rule.startsWith("*.") ? name.endsWith(rule.slice(1)) && name.length > rule.length - 1 : name === rule;
  });
}
