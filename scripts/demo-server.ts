// Keeps the demo Datafold API up for a workflow that runs the action with `uses: ./`; prints
// `url=...` for $GITHUB_OUTPUT and serves until killed.
import { startDemoDatafold } from './demo-datafold.js'

startDemoDatafold().then(
  (server) => {
    console.log(`url=${server.url}`)
  },
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
