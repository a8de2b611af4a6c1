/**
 * presentedCredentials: every place a client may carry its key, read on each request of a
 * shared backend to find credentials the cache does not know. Parsed Authorization headers are
 * remembered, so the same header must give the same answer the first time and every time after.
 */
import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { presentedCredentials } from '../../src-main/keyserver/routing'

function req(headers: Record<string, string | string[]>, query: Record<string, unknown> = {}) {
  return { headers, query } as unknown as FastifyRequest
}

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`

describe('presentedCredentials', () => {
  it('decodes Basic to id:secret, and again identically when the header repeats', () => {
    const r = req({ authorization: basic('kid:sec ret') })
    expect(presentedCredentials(r)).toEqual(['kid:sec ret'])
    expect(presentedCredentials(r)).toEqual(['kid:sec ret'])
    expect(presentedCredentials(req({ authorization: `  ${basic('kid:sec ret')} ` }))).toEqual([
      'kid:sec ret',
    ])
  })

  it('reads a Bearer token, case-insensitively, and ignores other schemes', () => {
    expect(presentedCredentials(req({ authorization: 'bearer tok123' }))).toEqual(['tok123'])
    expect(presentedCredentials(req({ authorization: 'Bearer tok123' }))).toEqual(['tok123'])
    expect(presentedCredentials(req({ authorization: 'Digest abc' }))).toEqual([])
    expect(presentedCredentials(req({ authorization: 'Basic not base64!' }))).toEqual([])
    expect(presentedCredentials(req({ authorization: 'Bearer two words' }))).toEqual([])
  })

  it('keeps the order headers, query, Authorization; trims; skips blank and oversized values', () => {
    const r = req(
      {
        'x-wpt-api-key': ' wpt ',
        'x-api-key': ['first', 'second'],
        'api-key': '   ',
        authorization: 'Bearer tok',
      },
      { api_key: 'q' },
    )
    expect(presentedCredentials(r)).toEqual(['wpt', 'first', 'q', 'tok'])
    expect(presentedCredentials(req({ 'x-api-key': 'k'.repeat(513) }))).toEqual([])
    expect(presentedCredentials(req({ authorization: `Bearer ${'t'.repeat(600)}` }))).toEqual([])
  })

  it('parses an oversized Authorization header without remembering it, the same each time', () => {
    const long = basic(`id:${'s'.repeat(900)}`)
    expect(long.length).toBeGreaterThan(1024)
    // The decoded pair is over 512 characters, so it is no credential of ours either way.
    expect(presentedCredentials(req({ authorization: long }))).toEqual([])
    expect(presentedCredentials(req({ authorization: long }))).toEqual([])
  })

  it('answers correctly after more distinct headers than it remembers', () => {
    for (let i = 0; i < 1500; i++)
      expect(presentedCredentials(req({ authorization: basic(`id${i}:s${i}`) }))).toEqual([
        `id${i}:s${i}`,
      ])
    expect(presentedCredentials(req({ authorization: basic('id7:s7') }))).toEqual(['id7:s7'])
  })
})
