/**
 * The seam to the office mode (day, night, lunch, holiday: the schedules of issue 12's
 * incoming side): call barring asks it which mode is in force when a call is dialled.
 * Until a schedule is wired in, it is always day.
 */
export interface OfficeModeSource {
  /** The mode in force now, e.g. "day" or "night". */
  currentMode(): string;
}

export const ALWAYS_DAY: OfficeModeSource = { currentMode: () => 'day' };
