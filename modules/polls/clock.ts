/** The module's one reading of the time: every deadline rule asks it, and a test may set it (a fixed clock). */
export const clock = { now: (): Date => new Date() };
