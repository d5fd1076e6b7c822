// Writes plan.schema.json from the plan's zod schema: `npx tsx scripts/plan-schema.ts`.
// A test keeps the committed file equal to the schema.
import { writeFileSync } from 'node:fs'
import { planJsonSchema } from '../src/plan/schema.js'

writeFileSync('plan.schema.json', `${JSON.stringify(planJsonSchema(), null, 2)}\n`)
