// How the action names itself to every server it calls (Datafold, dbt Cloud).
export const USER_AGENT = 'datafold-diff-gate/1.1.0'
