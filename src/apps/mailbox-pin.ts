/**
 * The rules for a PIN a mailbox's owner chooses by phone (`*97`, mailbox options, 6): 4 to
 * 8 digits, and not one a stranger tries first — the same digit repeated (0000), a run up
 * or down (1234, 9876, 0123), or the box's own number. The generated PIN (6 random digits,
 * store/voicemail-repo.ts) is never checked: it is random.
 */

export const PIN_MIN_DIGITS = 4;
export const PIN_MAX_DIGITS = 8;

/** Why `pin` may not be the PIN of `box`, or undefined when it may. */
export function pinProblem(pin: string, box: string): string | undefined {
  if (!/^[0-9]+$/.test(pin)) return 'digits only';
  if (pin.length < PIN_MIN_DIGITS) return `at least ${PIN_MIN_DIGITS} digits`;
  if (pin.length > PIN_MAX_DIGITS) return `at most ${PIN_MAX_DIGITS} digits`;
  if (/^(.)\1*$/.test(pin)) return 'the same digit repeated';
  const steps = [...pin].slice(1).map((d, i) => (Number(d) - Number(pin[i]) + 10) % 10);
  if (steps.every((s) => s === 1) || steps.every((s) => s === 9)) return 'digits in a row';
  if (pin === box) return 'the mailbox number';
  return undefined;
}
