import { isAnswerError, percentOf, singleField, type Tally } from "./types.ts";

/** A number on a scale (1–5, 1–10, or 0–10 for a net promoter score). */
export const scale: Tally = {
  kind: "scale",
  parse(question, body) {
    const raw = singleField(body, `q${question.id}`);
    if (raw === null || isAnswerError(raw)) return raw;
    if (!/^\d{1,2}$/.test(raw)) return { error: "polls:errors.outOfScale" };
    const value = Number(raw);
    return value >= question.scaleMin && value <= question.scaleMax ? { value } : { error: "polls:errors.outOfScale" };
  },
  result(question, data) {
    const values = Array.from({ length: question.scaleMax - question.scaleMin + 1 }, (_, index) => question.scaleMin + index);
    const rows = values.map((value) => ({ label: String(value), count: data.valueCounts.get(value) ?? 0, percent: percentOf(data.valueCounts.get(value) ?? 0, data.answers) }));
    const facts: { key: string; params: Record<string, string | number> }[] = [];
    if (data.answers > 0) {
      const sum = values.reduce((total, value) => total + value * (data.valueCounts.get(value) ?? 0), 0);
      facts.push({ key: "polls:results.average", params: { average: (Math.round((sum / data.answers) * 10) / 10).toFixed(1) } });
      if (question.scaleMin === 0 && question.scaleMax === 10) {
        const count = (from: number, to: number) => values.filter((value) => value >= from && value <= to).reduce((total, value) => total + (data.valueCounts.get(value) ?? 0), 0);
        const score = Math.round(((count(9, 10) - count(0, 6)) / data.answers) * 100);
        facts.push({ key: "polls:results.nps", params: { score, promoters: count(9, 10), passives: count(7, 8), detractors: count(0, 6) } });
      }
    }
    return { kind: "scale", answers: data.answers, rows, facts };
  },
};
