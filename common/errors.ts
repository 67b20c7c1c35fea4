/**
 * The small typed error set shared by every layer. Each error says what went wrong in
 * words an installer can act on; callers switch on the class, never on the message.
 */

/** A state machine was asked for a move its transition table does not allow. */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
  constructor(
    readonly machine: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${machine}: illegal transition ${from} -> ${to}`);
  }
}

/** Input that does not follow its format (a SIP message, a serial frame, a YAML file). */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(message: string, readonly offset?: number) {
    super(message);
  }
}

/** One problem in a configuration, addressed by its path (`employees[1].extension`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A configuration (or board file) was rejected; nothing was applied. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
  }
}

/** An operation was refused because the caller may not do it (API roles, barring). */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Something named does not exist (an extension, a port, a line). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
