// What the input parser refuses, for tests that check its messages.
import { InputError } from '../src/inputs.js'

/** The problems the InputError thrown by `parse` lists; fails when nothing is refused. */
export function inputProblems(parse: () => unknown): string[] {
  try {
    parse()
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}
