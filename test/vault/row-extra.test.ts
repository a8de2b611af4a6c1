import { describe, expect, it } from 'vitest'
import { readRowExtra } from '../../src-main/vault/row-extra'

/** The extra field inside a larger buffer, as an unlock record holds it. */
function at(text: string): [Buffer, number, number] {
  const b = Buffer.from(`xx${text}yy`, 'utf8')
  return [b, 2, b.length - 2]
}

describe('readRowExtra', () => {
  it('reads an unchecked entry from its digits', () => {
    expect(readRowExtra(...at('1764121000123|7'))).toEqual({
      updatedAt: 1764121000123,
      version: 7,
      checkStatus: null,
      checkAt: null,
    })
  })

  it('reads a validated entry with its status and time', () => {
    expect(readRowExtra(...at('1764121000123|0|expired|1764121999000'))).toEqual({
      updatedAt: 1764121000123,
      version: 0,
      checkStatus: 'expired',
      checkAt: 1764121999000,
    })
  })

  it('reads any other shape as the query wrote it, as text', () => {
    expect(readRowExtra(...at('-5|2'))).toMatchObject({ updatedAt: -5, version: 2 })
    expect(readRowExtra(...at('12.5|3'))).toMatchObject({ updatedAt: 12.5, version: 3 })
    expect(readRowExtra(...at('99999999999999999|1')).updatedAt).toBe(Number('99999999999999999'))
    expect(readRowExtra(...at('12|')).version).toBe(0)
    expect(readRowExtra(...at('12')).version).toBeNaN()
  })
})
