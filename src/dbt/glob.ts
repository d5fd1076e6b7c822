// A glob of a dbt rule's match, as a RegExp over a model's name or file path: `*` and `?` stay
// within a folder, `**` crosses folders (`models/**/stg_*.sql`). Case-sensitive, as dbt's names
// are. Small enough that no glob library joins the bundle. Pure.

/** Whether `text` matches the whole of `glob`. */
export function globMatcher(glob: string): (text: string) => boolean {
  let pattern = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob.charAt(i)
    if (char === '*' && glob.charAt(i + 1) === '*') {
      // `**/` also matches no folder at all: `models/**/x.sql` matches `models/x.sql`.
      const slash = glob.charAt(i + 2) === '/'
      pattern += slash ? '(?:.*/)?' : '.*'
      i += slash ? 2 : 1
    } else if (char === '*') pattern += '[^/]*'
    else if (char === '?') pattern += '[^/]'
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  const regExp = new RegExp(`^${pattern}$`, 's')
  return (text) => regExp.test(text)
}
