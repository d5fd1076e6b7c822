// The entry point a runner starts (action.yml's dist/index.js): runs the action once. The action
// is main.ts's run(), which @github/local-action calls too, as GitHub's TypeScript template does.
import { run } from './main.js'

void run()
