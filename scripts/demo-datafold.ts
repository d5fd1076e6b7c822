// The demo's Datafold API: the end-to-end suite's fake, serving its realistic demo diffs.
import { DEMO_DIFF_IDS, demoScenario } from '../__fixtures__/diffs.js'
import { startFakeDatafold, type FakeDatafold } from '../__fixtures__/fake-datafold.js'

export { DEMO_DIFF_IDS }
/** Not a secret: the key the demo server expects, so the demo also proves the header is sent. */
export const DEMO_API_KEY = 'demo-key'

/** The thresholds the demo (and the README's screenshots) check the demo diffs against. */
export const EXAMPLE_THRESHOLDS = {
  'max-rows-removed': '0',
  'max-rows-changed': '1%',
  'max-duplicate-pks': '0',
  'max-schema-changes': '2'
}

export function startDemoDatafold(): Promise<FakeDatafold> {
  return startFakeDatafold({ scenarios: demoScenario(), apiKey: DEMO_API_KEY })
}
