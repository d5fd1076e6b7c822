// The diffs given by id (`diff-ids`): they exist at Datafold already and are judged against the
// step's thresholds.
import type { Source, SourceContext } from './source.js'

export function givenDiffs({ inputs }: SourceContext): Promise<Partial<Source>> {
  return Promise.resolve({
    diffs: inputs.diffIds.map((id) => ({ kind: 'given', id, thresholds: inputs.thresholds }))
  })
}
