// Splits a large JSON object, streamed as bytes, into the few values a reader wants: some top-level
// members whole (`metadata`), the entries of others one by one (`nodes`, `macros`), and the items
// of arrays one by one (run_results.json's `results`). Each value
// is parsed by JSON.parse on its own text, and every other member is skipped unparsed, so a 100 MB
// manifest never exists as one string or one parse tree: memory stays at the largest entry.
// The scanner only tracks strings and nesting (structural bytes are ASCII, so UTF-8 needs no
// decoding); what it hands out is checked by JSON.parse, what it skips is not validated.

/** A value the reader asked for: a whole member (`key` null), one entry of a member, or one item
 * of an array member (`key` its index). */
export interface JsonSection {
  member: string
  key: string | null
  value: unknown
}

/** The text is not the JSON object expected; the message says what was found. */
export class NotJsonError extends Error {
  override name = 'NotJsonError'
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** Collects the bytes of one key or value, which may span chunks. */
class Capture {
  pieces: Uint8Array[] = []
  start = -1

  begin(at: number): void {
    this.pieces = []
    this.start = at
  }
  get active(): boolean {
    return this.start >= 0
  }
  /** The chunk ends while capturing: keep a copy, carry on at the next chunk's start. */
  carry(chunk: Uint8Array): void {
    if (this.start < 0) return
    this.pieces.push(chunk.slice(this.start))
    this.start = 0
  }
  finish(chunk: Uint8Array, end: number): string {
    const last = chunk.subarray(this.start, end)
    this.start = -1
    const bytes = this.pieces.length ? Buffer.concat([...this.pieces, last]) : last
    this.pieces = []
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  }
}

export class JsonSections {
  /** Top-level keys met so far (the first 20), for messages. */
  readonly topKeys: string[] = []
  private offset = 0
  private depth = 0
  private inString = false
  private escaped = false
  private started = false
  private ended = false
  private expectKey = [false, false, false]
  private member: string | null = null
  private memberMode: 'whole' | 'entries' | 'items' | null = null
  private entryKey: string | null = null
  private itemIndex = 0
  /** The first byte of a value at level 1 or 2 is awaited (after its `:`). */
  private pendingValue = 0
  private readonly key = new Capture()
  private keyLevel = 0
  private readonly value = new Capture()
  private valueLevel = 0

  constructor(
    private readonly whole: ReadonlySet<string>,
    private readonly entries: ReadonlySet<string>,
    private readonly items: ReadonlySet<string> = new Set()
  ) {}

  /** Scans one chunk; returns the values it completed. */
  push(chunk: Uint8Array): JsonSection[] {
    const out: JsonSection[] = []
    const n = chunk.length
    let nextQuote = -1
    let nextBackslash = -1
    let i = this.offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false
          i++
          continue
        }
        if (nextQuote < i && nextQuote !== n) nextQuote = indexOr(chunk, QUOTE, i, n)
        if (nextBackslash < i && nextBackslash !== n)
          nextBackslash = indexOr(chunk, BACKSLASH, i, n)
        if (nextBackslash < nextQuote) {
          this.escaped = true
          i = nextBackslash + 1
          continue
        }
        if (nextQuote === n) break
        this.inString = false
        i = nextQuote + 1
        if (this.key.active) this.keyDone(JSON.parse(this.key.finish(chunk, i)) as string)
        continue
      }
      const c = chunk[i] ?? 0
      if (isSpace(c)) {
        i++
        continue
      }
      if (this.pendingValue) this.valueStarts(c, i)
      else if (this.depth === 0) this.outside(c, i)
      switch (c) {
        case QUOTE:
          this.inString = true
          if (this.depth <= 2 && this.expectKey[this.depth] && this.keyed(this.depth)) {
            this.key.begin(i)
            this.keyLevel = this.depth
          }
          break
        case 0x7b: // {
        case 0x5b: // [
          this.depth++
          if (this.depth <= 2) this.expectKey[this.depth] = c === 0x7b
          if (this.depth === 2 && this.memberMode === 'items') this.nextItem(0)
          break
        case 0x7d: // }
        case 0x5d: // ]
          this.valueEnds(chunk, i, out)
          this.depth--
          if (this.depth === 0) this.ended = true
          if (this.depth === 1) this.memberMode = null
          break
        case 0x3a: // :
          if (this.depth <= 2 && this.keyed(this.depth)) this.pendingValue = this.depth
          break
        case 0x2c: // ,
          this.valueEnds(chunk, i, out)
          if (this.depth === 2 && this.memberMode === 'items') this.nextItem(this.itemIndex + 1)
          else if (this.depth <= 2) this.expectKey[this.depth] = true
          if (this.depth === 1) this.memberMode = null
          break
      }
      i++
    }
    this.key.carry(chunk)
    this.value.carry(chunk)
    this.offset += n
    return out
  }

  /** The input has ended: throws unless it held one complete object. */
  end(): void {
    if (!this.started) throw new NotJsonError('the file is empty')
    if (!this.ended) throw new NotJsonError('the JSON ends early (a truncated file?)')
  }

  /** Keys at level 1 always matter; at level 2 only inside a member read entry by entry. */
  private keyed(level: number): boolean {
    return level === 1 || this.memberMode === 'entries'
  }

  private outside(c: number, at: number): void {
    if (this.ended)
      throw new NotJsonError(`more text after the JSON object, at byte ${this.offset + at}`)
    if (c === 0x7b) {
      this.started = true
      return
    }
    throw new NotJsonError(
      c === 0x5b ? 'a JSON array, not an object' : 'not JSON: it does not start with "{"'
    )
  }

  private keyDone(key: string): void {
    this.expectKey[this.keyLevel] = false
    if (this.keyLevel === 2) {
      this.entryKey = key
      return
    }
    this.member = key
    if (this.topKeys.length < 20) this.topKeys.push(key)
    this.memberMode = this.whole.has(key)
      ? 'whole'
      : this.entries.has(key)
        ? 'entries'
        : this.items.has(key)
          ? 'items'
          : null
  }

  private valueStarts(c: number, at: number): void {
    const level = this.pendingValue
    this.pendingValue = 0
    if (level === 1 && this.memberMode === 'entries' && c !== 0x7b)
      throw new NotJsonError(`"${this.member ?? ''}" is not an object`)
    if (level === 1 && this.memberMode === 'items' && c !== 0x5b)
      throw new NotJsonError(`"${this.member ?? ''}" is not an array`)
    // `]` where an item was awaited: the array is empty.
    if (level === 2 && c === 0x5d) return
    if ((level === 1 && this.memberMode === 'whole') || level === 2) {
      this.value.begin(at)
      this.valueLevel = level
    }
  }

  /** Item `index` of the array read item by item starts at the next value. */
  private nextItem(index: number): void {
    this.itemIndex = index
    this.entryKey = String(index)
    this.pendingValue = 2
  }

  /** A `,` or closing bracket at the level of the captured value ends it. */
  private valueEnds(chunk: Uint8Array, at: number, out: JsonSection[]): void {
    if (!this.value.active || this.depth !== this.valueLevel) return
    const text = this.value.finish(chunk, at)
    const member = this.member ?? ''
    const key = this.valueLevel === 2 ? this.entryKey : null
    try {
      out.push({ member, key, value: JSON.parse(text) })
    } catch (error) {
      const where = key === null ? `"${member}"` : `"${member}"."${key}"`
      throw new NotJsonError(`${where} is not valid JSON: ${(error as Error).message}`)
    }
  }
}

function indexOr(chunk: Uint8Array, byte: number, from: number, none: number): number {
  const at = chunk.indexOf(byte, from)
  return at < 0 ? none : at
}
