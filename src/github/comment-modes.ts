// What the action may do with its PR comment: the one list the comment-mode input is checked
// against and the publisher acts on. No imports, so the input parser can read it at start-up.

/** `update` edits the report in place, `recreate` posts a new one and then deletes the old, `off`
 * writes none. */
export const COMMENT_MODES = ['update', 'recreate', 'off'] as const

export type CommentMode = (typeof COMMENT_MODES)[number]

/** The modes that write a comment. */
export type WritingMode = Exclude<CommentMode, 'off'>
