// The official client ships no types; only what the tests use is declared.
declare module 'webpagetest' {
  type Callback = (err: unknown, data: unknown) => void
  export default class WebPageTest {
    constructor(server: string, key?: string)
    getTestBalance(callback: Callback): void
    getTestBalance(options: Record<string, unknown>, callback: Callback): void
    runTest(url: string, options: Record<string, unknown>, callback: Callback): void
  }
}
