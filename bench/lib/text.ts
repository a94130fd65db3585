import type { Random } from "./random.ts";
import { below, pick } from "./random.ts";

export const firstNames = [
  "anna", "bruno", "chloe", "david", "elena", "farid", "grace", "hugo", "ines", "jonas", "karin", "louis", "maria", "nadia", "oscar",
  "paula", "quentin", "rosa", "samir", "tara", "ulrich", "vera", "william", "xenia", "yann", "zoe", "adele", "basile", "camille", "denis",
  "emma", "felix", "giulia", "henri", "irene", "jules", "kenza", "leo", "manon", "nils", "olga", "pierre", "rachid", "sofia", "thomas",
];
export const lastNames = [
  "berg", "martin", "dubois", "schmidt", "rossi", "garcia", "nowak", "jensen", "leroy", "moreau", "fischer", "silva", "kowalski", "costa",
  "weber", "laurent", "petit", "meyer", "novak", "lambert", "fontaine", "roux", "colin", "vidal", "mercier", "blanc", "guerin", "faure",
  "andre", "perrin", "morel", "girard", "bonnet", "francois", "caron", "henry", "renard", "marchand", "dupont", "lemaire",
];

const capitalised = (word: string) => word[0].toUpperCase() + word.slice(1);
export const displayNameOf = (first: string, last: string) => `${capitalised(first)} ${capitalised(last)}`;

export const groupWords = [
  "Sales", "Marketing", "Engineering", "Support", "Finance", "Legal", "Design", "Quality", "Safety", "Logistics", "Purchasing", "Research",
  "Training", "Facilities", "Security", "Data", "Platform", "Mobile", "Retail", "Partners", "Events", "Sustainability", "Communications",
];
export const places = ["Lyon", "Berlin", "Madrid", "Milan", "Porto", "Warsaw", "Lille", "Nantes", "Geneva", "Brussels", "Dublin", "Oslo"];

export const topicLabels = [
  "quality", "safety", "onboarding", "kudos", "release", "roadmap", "hiring", "wellbeing", "customers", "sustainability", "training",
  "security", "events", "product", "ideas", "lean", "automation", "budget", "audit", "teamwork",
];

const openings = [
  "Great news from the", "Quick update on the", "Reminder about the", "Thanks to everyone involved in the", "Feedback wanted on the",
  "Photos from the", "Lessons learned from the", "Next steps for the", "Kick-off of the", "Short summary of the",
];
const subjects = [
  "new production line", "customer workshop", "quarterly review", "team offsite", "safety audit", "product launch", "training session",
  "hiring plan", "office move", "support backlog", "pilot project", "supplier meeting", "budget planning", "release of version 4",
];
const endings = [
  "in {place} this week.", "planned for next month.", "that went really well.", "we discussed on Monday.", "at the {place} site.",
  "with the whole team.", "before the end of the quarter.", "and what comes next.",
];
const followUps = [
  "Slides are in the shared folder.", "Please share your questions below.", "We will post the results soon.", "Thanks for the great work!",
  "Let us know what you think.", "Everyone is welcome to join.", "The next meeting is on Thursday.", "More details in the comments.",
];
const replies = [
  "Thanks for sharing!", "Great work, well done.", "Count me in.", "Is there a recording?", "Very useful, thank you.", "Agreed.",
  "I can help with this.", "When is the next one?", "Congratulations to the team!", "Good point, let us discuss it on Monday.",
];

function sentence(random: Random) {
  return `${pick(random, openings)} ${pick(random, subjects)} ${pick(random, endings).replace("{place}", pick(random, places))}`;
}

export interface Extras {
  /** Usernames to mention with @, placed in the first paragraph. */
  mentions?: string[];
  /** Topic labels to tag with #, at the end of the first paragraph. */
  topics?: string[];
}

/** Markdown-free post text: one or two paragraphs, with @mentions and #topics where asked. */
export function postBody(random: Random, extras: Extras = {}) {
  const first = [sentence(random)];
  if (random() < 0.6) first.push(pick(random, followUps));
  for (const name of extras.mentions ?? []) first.push(`Thanks @${name} for the help.`);
  if (extras.topics?.length) first.push(extras.topics.map((label) => `#${label}`).join(" "));
  const paragraphs = [first.join(" ")];
  if (random() < 0.3) paragraphs.push(Array.from({ length: 1 + below(random, 3) }, () => sentence(random)).join(" "));
  return paragraphs.join("\n\n");
}

export function commentBody(random: Random, extras: Extras = {}) {
  const words = [pick(random, replies)];
  for (const name of extras.mentions ?? []) words.push(`@${name} what do you think?`);
  return words.join(" ");
}

export function postTitle(random: Random) {
  return `${pick(random, openings)} ${pick(random, subjects)}`;
}

/**
 * What core/content/markdown.ts renderMarkdown() makes of the plain texts above (links for mentions and
 * topics, one <p> per paragraph), without its ~100 µs per call; generate.ts checks both agree on samples.
 */
export function bodyHtml(body: string) {
  return body
    .split("\n\n")
    .map((paragraph) => {
      const linked = paragraph
        .replace(/@([a-z0-9][a-z0-9._-]*[a-z0-9])/g, (_, name: string) => `<a href="/u/${encodeURIComponent(name)}" class="mention">@${name}</a>`)
        .replace(/#([a-z][a-z0-9_-]*)/g, (_, label: string) => `<a href="/topics/${encodeURIComponent(label.toLowerCase())}" class="topic">#${label}</a>`);
      return `<p>${linked}</p>\n`;
    })
    .join("");
}
