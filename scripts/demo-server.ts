// Keeps the demo Datafold API up for a workflow that runs the action with `uses: ./`; prints
// `url=...` for $GITHUB_OUTPUT and serves until killed.
import { startDemo } from './demo-datafold.js'

startDemo().then(
  ({ fakes }) => {
    console.log(`url=${fakes.datafold.url}`)
  },
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
