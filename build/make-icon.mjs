// Draws build/icon.png (512x512): a key on a rounded square. No image library needed: the PNG
// is encoded here (zlib + CRC32). electron-builder derives the .ico and .icns from this PNG.
// Run: node build/make-icon.mjs
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const SIZE = 512
const px = Buffer.alloc(SIZE * SIZE * 4)

function inRoundedSquare(x, y, r) {
  const m = 24
  const cx = Math.min(Math.max(x, m + r), SIZE - m - r)
  const cy = Math.min(Math.max(y, m + r), SIZE - m - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= m && y >= m && x < SIZE - m && y < SIZE - m
}

for (let y = 0; y < SIZE; y++)
  for (let x = 0; x < SIZE; x++) {
    const i = (y * SIZE + x) * 4
    let rgba = [0, 0, 0, 0]
    if (inRoundedSquare(x, y, 96)) {
      const shade = Math.round(40 + (y / SIZE) * 30)
      rgba = [20, shade, 90 + Math.round((x / SIZE) * 40), 255]
      // Key head: a ring.
      const d = Math.hypot(x - 190, y - 256)
      const inHead = d <= 96 && d >= 44
      // Shaft and two teeth.
      const inShaft = x >= 270 && x <= 430 && y >= 236 && y <= 276
      const inTooth =
        (x >= 360 && x <= 384 && y > 276 && y <= 330) ||
        (x >= 406 && x <= 430 && y > 276 && y <= 310)
      if (inHead || inShaft || inTooth) rgba = [246, 196, 72, 255]
    }
    px.set(rgba, i)
  }

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

const header = Buffer.alloc(13)
header.writeUInt32BE(SIZE, 0)
header.writeUInt32BE(SIZE, 4)
header[8] = 8 // bit depth
header[9] = 6 // RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1))
for (let y = 0; y < SIZE; y++)
  px.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4)
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
])
writeFileSync(new URL('./icon.png', import.meta.url), png)
