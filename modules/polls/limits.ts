/** The scales a question may use, as [lowest, highest]. */
export const scales = { "1-5": [1, 5], "1-10": [1, 10], nps: [0, 10] } as const;
/** Options a choice question may offer. */
export const maxOptions = 50;
