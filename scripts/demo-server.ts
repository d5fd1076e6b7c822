// Keeps the demo Datafold API up for a workflow that runs the action with `uses: ./`; prints
// `url=...` for $GITHUB_OUTPUT and serves until killed.
import { startDemoDatafold } from './demo-datafold.js'

const server = await startDemoDatafold()
console.log(`url=${server.url}`)
