/** ssh2's client module on its own (the package's index also loads its server, key generator and HTTP agents). */
declare module 'ssh2/lib/client.js' {
  import type { Client } from 'ssh2'
  const SshClient: typeof Client
  export default SshClient
}
