// Types for `bottleneck/light.js`, the build of Bottleneck without Redis that
// @octokit/plugin-throttling itself loads: the same API as the package's main entry.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
