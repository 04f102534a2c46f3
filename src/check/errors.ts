/** Bad input to the check (unknown path, bad git ref, bad config): the command exits 2 with this message. */
export class CheckInputError extends Error {
  override name = 'CheckInputError'
}
