// A file's bytes for a reader of dbt artifacts (ManifestIo), served from text in chunks of `size`
// bytes, each after a tick, as a stream would hand them.
import type { ManifestIo } from '../src/dbt/read-manifest.js'

export const textIo = (text: string, size = 1 << 16): ManifestIo => ({
  async *open() {
    const bytes = Buffer.from(text)
    for (let at = 0; at < bytes.length; at += size) {
      await Promise.resolve()
      yield bytes.subarray(at, at + size)
    }
  }
})
