/** Whether a listen address is reachable only from this machine (no dependencies: the CLI loads it early). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}
