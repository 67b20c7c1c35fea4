/** Why an archive of the box was refused: not one of ours, damaged, from a newer firmware, or its configuration is invalid (`issues`, as PUT /api/config gives them). */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(message: string, readonly status = 400, readonly issues: ReadonlyArray<{ path: string; message: string }> = []) {
    super(message);
  }
}
