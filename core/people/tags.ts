import { z } from "zod";

export const maxTags = 30;
export const tagMaxLength = 40;

/** A tag as typed, tidied: Unicode-normalised, spaces collapsed. */
export function tagLabel(text: string): string {
  return text.normalize("NFC").replace(/\s+/g, " ").trim();
}

/** The form filters compare: lower-cased, accents kept (as for #topics). */
export function tagName(text: string): string {
  return tagLabel(text).toLowerCase();
}

/** Letters of any script, digits, and what skill names use ("C++", "C#", ".NET", "R&D", "UI/UX"). */
const tagPattern = /^[\p{L}\p{N}.#+][\p{L}\p{M}\p{N} +#.&'/_()-]*$/u;

/** Splits "Excel, Project management; SQL" into labels, one per name (first spelling kept). */
export function splitTags(text: string): string[] {
  const labels = new Map<string, string>();
  for (const part of text.split(/[,;\n\r]+/)) {
    const label = tagLabel(part);
    if (label && !labels.has(tagName(label))) labels.set(tagName(label), label);
  }
  return [...labels.values()];
}

/** A form field of comma-separated tags, validated as a list: each one short and plain, not too many. */
export const tagListField = z
  .string()
  .max(4000, "validation:tooLong")
  .optional()
  .transform((text) => splitTags(text ?? ""))
  .pipe(z.array(z.string().max(tagMaxLength, "profile:errors.tagTooLong").regex(tagPattern, "profile:errors.tagInvalid")).max(maxTags, "profile:errors.tooManyTags"));
