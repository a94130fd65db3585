import type { Sequelize } from "sequelize";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { FieldSwitches } from "../people/profile-fields.ts";
import type { SearchEngine } from "./engine.ts";
import { prefixWords } from "./query.ts";
import { containers, people } from "./results.ts";
import type { SearchKind } from "./sources.ts";
import type { VisibilityFilter } from "./visibility.ts";

export const suggestedPeople = 6;
export const suggestedContainers = 4;

export interface Suggestions {
  people: { username: string; displayName: string; jobTitle: string | null; url: string; photoUrl: string | null }[];
  containers: { type: string; name: string; url: string }[];
}

/**
 * The top search box's autocomplete: people and containers (groups) with a name word starting with each
 * typed word ("ma du" finds "Marie Dupont"), accents ignored, only what the viewer may see. Two small
 * indexed queries on the names index, then the cards of what was found.
 */
export async function suggest(
  context: { sequelize: Sequelize; registry: ModuleRegistry; engine: SearchEngine; fields: FieldSwitches },
  kinds: SearchKind[],
  filter: VisibilityFilter,
  typed: string,
): Promise<Suggestions> {
  const prefixes = prefixWords(typed);
  const containerKinds = kinds.filter((kind) => kind.family === "container").map((kind) => kind.kind);
  const [personHits, containerHits] = await Promise.all([
    context.engine.names(prefixes, ["person"], filter, suggestedPeople),
    context.engine.names(prefixes, containerKinds, filter, suggestedContainers),
  ]);
  const cards = await people(context.sequelize, personHits.map((hit) => hit.refId), context.fields);
  const places = await containers(context.registry, containerHits.map((hit) => ({ type: hit.kind, id: hit.refId })));
  return {
    people: personHits.flatMap((hit) => {
      const card = cards.get(hit.refId);
      return card ? [{ username: card.username, displayName: card.displayName, jobTitle: card.jobTitle, url: `/u/${encodeURIComponent(card.username)}`, photoUrl: card.photo }] : [];
    }),
    containers: containerHits.flatMap((hit) => {
      const place = places.get(`${hit.kind}:${hit.refId}`);
      return place?.url ? [{ type: hit.kind, name: place.name, url: place.url }] : [];
    }),
  };
}
