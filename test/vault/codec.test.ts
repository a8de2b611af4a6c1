import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ENTRY_STYLES } from '../../src-main/providers'
import {
  boundText,
  decodeMeta,
  decodeMetaText,
  encodeMeta,
  type EntryMeta,
} from '../../src-main/vault/codec'

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

const scopeArb = fc
  .record({
    account: optional(fc.string()),
    level: optional(fc.constantFrom('user' as const, 'project' as const)),
    projectId: optional(fc.option(fc.integer(), { nil: null })),
    apiType: optional(fc.constantFrom('rest' as const, 'batch' as const)),
  })
  .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)))

const time = fc.integer({ min: 0, max: 2 ** 50 })
const metaArb: fc.Arbitrary<EntryMeta> = fc.record({
  name: fc.string({ unit: 'grapheme' }),
  environment: fc.string(),
  tags: fc.array(fc.string({ unit: 'binary' })),
  notes: fc.string({ unit: 'binary', maxLength: 300 }),
  scope: scopeArb,
  baseUrl: fc.option(fc.webUrl(), { nil: null }),
  origin: fc.constantFrom('manual' as const, 'keyserver' as const),
  serverKeyId: fc.option(fc.string(), { nil: null }),
  keyMask: fc.string(),
  hasSecret: fc.boolean(),
  bound: fc.record({
    style: fc.constantFrom(...ENTRY_STYLES),
    status: fc.constantFrom('active' as const, 'disabled' as const, 'revoked' as const),
    createdAt: time,
    expiresAt: fc.option(time, { nil: null }),
    lastRotatedAt: time,
    rotationPolicyDays: fc.option(fc.integer({ min: 1, max: 3650 }), { nil: null }),
  }),
})

describe('entry serialization', () => {
  it('round-trips every valid document exactly', () => {
    fc.assert(
      fc.property(metaArb, (meta) => {
        expect(decodeMeta(encodeMeta(meta))).toEqual(meta)
      }),
      { numRuns: 500 },
    )
  })

  it('never throws on arbitrary bytes or JSON, and accepts only well-formed documents', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(() => decodeMeta(bytes)).not.toThrow()
      }),
    )
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const out = decodeMetaText(JSON.stringify(value))
        expect(out).toBeNull()
      }),
    )
  })

  it('rejects a document with any one field of the wrong type', () => {
    fc.assert(
      fc.property(
        metaArb,
        fc.constantFrom(
          'name',
          'tags',
          'scope',
          'baseUrl',
          'origin',
          'hasSecret',
          'bound',
          'keyMask',
        ),
        (meta, field) => {
          const doc = JSON.parse(new TextDecoder().decode(encodeMeta(meta))) as Record<
            string,
            unknown
          >
          doc[field] = 42
          expect(decodeMetaText(JSON.stringify(doc))).toBeNull()
        },
      ),
    )
  })

  it('joins the bound clear columns the way the unlock query does', () => {
    expect(
      boundText(
        {
          style: 'userplane',
          status: 'active',
          createdAt: 5,
          expiresAt: null,
          lastRotatedAt: 6,
          rotationPolicyDays: 30,
        },
        0,
      ),
    ).toBe('userplane|active|5||6|30')
  })

  it('appends the entry version from version 1 on (0: sealed before versions)', () => {
    const b = {
      style: 'generic' as const,
      status: 'active' as const,
      createdAt: 5,
      expiresAt: 9,
      lastRotatedAt: 6,
      rotationPolicyDays: null,
    }
    expect(boundText(b, 7)).toBe('generic|active|5|9|6||7')
    expect(boundText(b, 0)).toBe('generic|active|5|9|6|')
  })
})
