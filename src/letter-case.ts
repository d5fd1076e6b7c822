// How a warehouse stores a name written without double quotes: Snowflake upper-cases it, and
// Datafold's own dbt integration sends such names upper-case; the others keep it as written. A
// name in double quotes is kept as written everywhere. One rule for both ways a name reaches
// Datafold: dbt mode decides it from the manifest's adapter, a plan from its data source's type at
// Datafold (they name a warehouse alike: `snowflake`). A type that folds is one line of UNQUOTED.
// Pure.

const UNQUOTED: ReadonlyMap<string, (name: string) => string> = new Map([
  ['snowflake', (name: string) => name.toUpperCase()]
])

/** How a warehouse of this type stores a name written without quotes; null: as written. */
export function unquotedCase(type: string | null): ((name: string) => string) | null {
  return (type === null ? undefined : UNQUOTED.get(type)) ?? null
}

/** The name as the warehouse stores it: a quoted one as written, an unquoted one in its case. */
export function storedName(name: string, quoted: boolean, type: string | null): string {
  const fold = quoted ? null : unquotedCase(type)
  return fold ? fold(name) : name
}
