/**
 * The KeePassXC side of the CLI benchmark: a KDBX 4 file with N entries and exactly the Argon2id
 * parameters of a default Keywarden vault.
 *
 * keepassxc-cli 2.7 cannot set KDF parameters: `import` and `db-create` only take a target
 * decryption time. So this module writes an EMPTY KDBX 4 file with the parameters it wants
 * (Argon2id, 64 MiB, 3 passes, 1 lane, as libsodium computes it), keepassxc-cli imports a KeePass
 * XML of the N entries into a scratch file, and `keepassxc-cli merge` copies them into the empty
 * file. KeePassXC writes the result itself (protected fields, gzip as by default) and keeps the
 * target's KDF. `keepassxc-cli db-info` then confirms what the file holds.
 */
import { spawnSync } from 'node:child_process'
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import sodium from 'libsodium-wrappers-sumo'

const ARGON2ID_UUID = Buffer.from('9e298b1956db4773b23dfc3ec6f0a1e6', 'hex')
const AES256_UUID = Buffer.from('31c1f2e6bf714350be5805216afc5aff', 'hex')

export interface Argon2Params {
  memBytes: number
  passes: number
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}
const u64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(n)
  return b
}

/** KDBX's VariantDictionary: typed key/value pairs. */
function variantDictionary(items: [number, string, Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x00, 0x01])]
  for (const [type, key, value] of items) {
    const k = Buffer.from(key, 'utf8')
    parts.push(Buffer.from([type]), u32(k.length), k, u32(value.length), value)
  }
  parts.push(Buffer.from([0x00]))
  return Buffer.concat(parts)
}

function headerField(id: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([id]), u32(data.length), data])
}

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

/** Write an empty KDBX 4 database protected by `password` with these Argon2id parameters. */
export async function writeEmptyKdbx(
  path: string,
  password: string,
  params: Argon2Params,
): Promise<void> {
  await sodium.ready
  const salt = randomBytes(sodium.crypto_pwhash_SALTBYTES)
  const masterSeed = randomBytes(32)
  const iv = randomBytes(16)
  const header = Buffer.concat([
    u32(0x9aa2d903),
    u32(0xb54bfb67),
    u32(0x00040000),
    headerField(2, AES256_UUID),
    headerField(3, u32(1)), // gzip, KeePassXC's default; it keeps the target's setting on merge
    headerField(4, masterSeed),
    headerField(7, iv),
    headerField(
      11,
      variantDictionary([
        [0x42, '$UUID', ARGON2ID_UUID],
        [0x42, 'S', salt],
        [0x04, 'P', u32(1)],
        [0x05, 'M', u64(BigInt(params.memBytes))],
        [0x05, 'I', u64(BigInt(params.passes))],
        [0x04, 'V', u32(0x13)],
      ]),
    ),
    headerField(0, Buffer.from('\r\n\r\n')),
  ])

  const composite = sha256(sha256(Buffer.from(password, 'utf8')))
  const transformed = Buffer.from(
    sodium.crypto_pwhash(
      32,
      composite,
      salt,
      params.passes,
      params.memBytes,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    ),
  )
  const encryptionKey = sha256(masterSeed, transformed)
  const hmacBase = createHash('sha512')
    .update(Buffer.concat([masterSeed, transformed, Buffer.from([1])]))
    .digest()
  const blockKey = (index: bigint): Buffer =>
    createHash('sha512')
      .update(Buffer.concat([u64(index), hmacBase]))
      .digest()

  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const xml = `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<KeePassFile><Meta><Generator>keywarden-bench</Generator><DatabaseName>bench</DatabaseName></Meta>
<Root><Group><UUID>${randomBytes(16).toString('base64')}</UUID><Name>Root</Name>
<Times><CreationTime>${now}</CreationTime><LastModificationTime>${now}</LastModificationTime></Times>
</Group></Root></KeePassFile>`
  const inner = Buffer.concat([
    headerField(1, u32(3)), // inner random stream: ChaCha20
    headerField(2, randomBytes(64)),
    headerField(0, Buffer.alloc(0)),
    Buffer.from(xml, 'utf8'),
  ])
  const cipher = createCipheriv('aes-256-cbc', encryptionKey, iv)
  const encrypted = Buffer.concat([cipher.update(gzipSync(inner)), cipher.final()])

  const block = (index: bigint, data: Buffer): Buffer => {
    const mac = createHmac('sha256', blockKey(index))
      .update(Buffer.concat([u64(index), u32(data.length), data]))
      .digest()
    return Buffer.concat([mac, u32(data.length), data])
  }
  const headerMac = createHmac('sha256', blockKey(0xffffffffffffffffn)).update(header).digest()
  writeFileSync(
    path,
    Buffer.concat([
      header,
      sha256(header),
      headerMac,
      block(0n, encrypted),
      block(1n, Buffer.alloc(0)),
    ]),
  )
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** A KeePass 2 XML export with `n` entries shaped like the Keywarden benchmark's. */
export function keepassXml(n: number): string {
  const entries: string[] = []
  for (let i = 0; i < n; i++) {
    const uuid = randomBytes(16).toString('base64')
    const field = (key: string, value: string, protect = false): string =>
      `<String><Key>${key}</Key><Value${protect ? ' ProtectInMemory="True"' : ''}>${escape(value)}</Value></String>`
    entries.push(
      `<Entry><UUID>${uuid}</UUID>` +
        field('Title', `${['stripe', 'github', 'datadog', 'sentry', 'twilio'][i % 5]} key ${i}`) +
        field('UserName', `acct-${i % 5000}`) +
        field('Password', `W${String(i).padStart(39, '0')}`, true) +
        field('URL', 'https://api.example.com') +
        field('Notes', `Owner: person${i % 97}@example.com. Rotate with the release runbook.`) +
        `<Tags>team-${i % 17}</Tags></Entry>`,
    )
  }
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<KeePassFile><Meta><Generator>keywarden-bench</Generator></Meta><Root><Group>
<UUID>${randomBytes(16).toString('base64')}</UUID><Name>Root</Name>
${entries.join('\n')}
</Group></Root></KeePassFile>
`
}

/** Run keepassxc-cli with the password (twice where it asks twice) on stdin. */
export function keepassxc(args: string[], password: string, times = 1) {
  return spawnSync('keepassxc-cli', args, {
    input: `${password}\n`.repeat(times),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  })
}

/** Whether keepassxc-cli is installed (Debian's keepassxc package). */
export function keepassxcInstalled(): boolean {
  const probe = spawnSync('keepassxc-cli', ['--version'], { encoding: 'utf8' })
  return probe.status === 0
}

/**
 * Build `target`: N entries, Argon2id with `params`, written by keepassxc-cli. `scratch` and
 * `xmlPath` are temporary files. Returns keepassxc-cli's description of the file's KDF.
 */
export async function buildKdbx(
  target: string,
  n: number,
  password: string,
  params: Argon2Params,
  scratch: string,
  xmlPath: string,
): Promise<string> {
  await writeEmptyKdbx(target, password, params)
  writeFileSync(xmlPath, keepassXml(n))
  // The scratch file only carries the entries over; a short decryption time keeps it quick.
  const imported = keepassxc(['import', '-q', '-p', '-t', '100', xmlPath, scratch], password, 2)
  if (imported.status !== 0) throw new Error(`keepassxc-cli import: ${imported.stderr.trim()}`)
  const merged = keepassxc(['merge', '-q', '-s', target, scratch], password)
  if (merged.status !== 0) throw new Error(`keepassxc-cli merge: ${merged.stderr.trim()}`)
  const info = keepassxc(['db-info', '-q', target], password)
  if (info.status !== 0) throw new Error(`keepassxc-cli db-info: ${info.stderr.trim()}`)
  return info.stdout
}
