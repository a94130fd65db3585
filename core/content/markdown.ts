import MarkdownIt from "markdown-it";
import type { Token } from "markdown-it";
import sanitizeHtml from "sanitize-html";

/** @username: what usernames allow, not preceded by a word character (so e-mail addresses are not mentions). */
const mentionPattern = /(?<![\p{L}\p{N}_.@])@([a-z0-9][a-z0-9._-]{0,63})/giu;
/** #topic: letters (any script), digits, _ and -; must hold a letter so "#1" stays a number. */
const topicPattern = /(?<![\p{L}\p{N}_&#])#([\p{L}\p{N}_-]*\p{L}[\p{L}\p{N}_-]*)/gu;

/** What to turn into links while rendering: mentions only for people who exist, topics always. */
export interface LinkTargets {
  usernames: Set<string>;
  /** A whole-container mention (e.g. @group) the author was allowed to make, and where it points. */
  containerMention?: { word: string; href: string };
}

const topicMaxLength = 64;

export function topicName(label: string) {
  return label.normalize("NFC").toLowerCase();
}

/** Finds @usernames in Markdown source, lower-cased, without duplicates (code spans included: cheap and harmless). */
export function extractMentions(source: string): string[] {
  return [...new Set([...source.matchAll(mentionPattern)].map((match) => match[1].toLowerCase().replace(/[._-]+$/, "")))];
}

/** Finds #topics in Markdown source: their labels as typed, one per topic name. */
export function extractTopics(source: string): string[] {
  const labels = new Map<string, string>();
  for (const match of source.matchAll(topicPattern)) {
    const label = match[1].normalize("NFC").slice(0, topicMaxLength);
    if (!labels.has(topicName(label))) labels.set(topicName(label), label);
  }
  return [...labels.values()];
}

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

// Only web and mail links: javascript:, data:, vbscript: and the like are dropped by markdown-it and sanitize-html both.
markdown.validateLink = (url) => /^(https?:|mailto:|\/|#)/i.test(url.trim());

function linkTokens(state: { Token: typeof Token }, href: string, text: string, className: string): Token[] {
  const open = new state.Token("link_open", "a", 1);
  open.attrs = [["href", href], ["class", className]];
  const body = new state.Token("text", "", 0);
  body.content = text;
  const close = new state.Token("link_close", "a", -1);
  return [open, body, close];
}

/** Turns @mentions and #topics in plain text (not in links or code) into links. */
markdown.core.ruler.push("agora_links", (state) => {
  // markdown-it passes {} when a caller gives no targets (plainText does not): then nothing becomes a link.
  const targets = state.env as unknown as Partial<LinkTargets> | undefined;
  if (!targets?.usernames) return;
  const usernames = targets.usernames;
  const combined = new RegExp(`${mentionPattern.source}|${topicPattern.source}`, "giu");
  for (const block of state.tokens) {
    if (block.type !== "inline" || !block.children) continue;
    const children: Token[] = [];
    let insideLink = 0;
    for (const token of block.children) {
      if (token.type === "link_open") insideLink += 1;
      if (token.type === "link_close") insideLink -= 1;
      if (token.type !== "text" || insideLink > 0) {
        children.push(token);
        continue;
      }
      let last = 0;
      for (const match of token.content.matchAll(combined)) {
        const [whole, username, topic] = match;
        let replacement: Token[] | null = null;
        if (username) {
          const name = username.toLowerCase().replace(/[._-]+$/, "");
          const shown = `@${username.replace(/[._-]+$/, "")}`;
          if (targets.containerMention && name === targets.containerMention.word) replacement = linkTokens(state, targets.containerMention.href, shown, "mention mention-container");
          else if (usernames.has(name)) replacement = linkTokens(state, `/u/${encodeURIComponent(name)}`, shown, "mention");
          if (replacement && shown.length < whole.length) {
            // Trailing dots or dashes belong to the sentence, not the name.
            const rest = new state.Token("text", "", 0);
            rest.content = whole.slice(shown.length);
            replacement.push(rest);
          }
        } else if (topic) {
          const label = topic.slice(0, topicMaxLength);
          replacement = linkTokens(state, `/topics/${encodeURIComponent(topicName(label))}`, `#${label}`, "topic");
        }
        if (!replacement) continue;
        const before = new state.Token("text", "", 0);
        before.content = token.content.slice(last, match.index);
        children.push(before, ...replacement);
        last = match.index! + whole.length;
      }
      if (last === 0) children.push(token);
      else {
        const after = new state.Token("text", "", 0);
        after.content = token.content.slice(last);
        children.push(after);
      }
    }
    block.children = children;
  }
});

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td"],
  allowedAttributes: { a: ["href", "class", "rel", "target"], ol: ["start"], th: ["style"], td: ["style"] },
  allowedStyles: { th: { "text-align": [/^(left|right|center)$/] }, td: { "text-align": [/^(left|right|center)$/] } },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  allowedClasses: { a: ["mention", "mention-container", "topic"] },
  transformTags: {
    a: (tagName, attribs) => {
      const internal = attribs.href?.startsWith("/") && !attribs.href.startsWith("//");
      return { tagName, attribs: internal ? attribs : { ...attribs, rel: "noopener nofollow ugc", target: "_blank" } };
    },
  },
};

/**
 * Markdown to safe HTML: raw HTML in the source is shown as text, then an allow-list sanitiser has the
 * last word, so even a markdown-it bug cannot let a script or an event handler through.
 */
export function renderMarkdown(source: string, targets: LinkTargets = { usernames: new Set() }): string {
  return sanitizeHtml(markdown.render(source, targets as unknown as Record<string, unknown>), sanitizeOptions);
}

/** The text a reader sees in these tokens, unescaped: words, code and image descriptions; blocks and line breaks become spaces. */
function textOf(tokens: Token[]): string {
  let text = "";
  for (const token of tokens) {
    if (token.children) text += textOf(token.children);
    else if (token.type === "text" || token.type === "code_inline" || token.type === "code_block" || token.type === "fence") text += token.content;
    if (token.block || token.type === "softbreak" || token.type === "hardbreak") text += " ";
  }
  return text;
}

/**
 * Plain text of a Markdown source, for previews, mail subjects and search snippets: real characters, not
 * HTML ("R&D <team>" stays so), so templates escape it exactly once.
 */
export function plainText(source: string, maxLength = 200): string {
  const text = textOf(markdown.parse(source, {})).replace(/\s+/g, " ").trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
