// The runner masks registered secrets in the log only. Comments, the job summary, outputs and
// report files are not masked, and Datafold may echo the key in an error text: everything the
// action writes passes through here first.
export type Redact = (text: string) => string

export function createRedactor(secrets: string[]): Redact {
  const forms = secrets
    .filter((secret) => secret.length >= 4)
    .flatMap((secret) => [secret, Buffer.from(secret).toString('base64')])
    .sort((a, b) => b.length - a.length)
  if (forms.length === 0) return (text) => text
  return (text) => forms.reduce((out, form) => out.replaceAll(form, '***'), text)
}
