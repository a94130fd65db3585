import type { TFunction } from "i18next";
import { streamKeyOf } from "../models/content.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { ComposerKind, ComposerTab, ComposerView, Container } from "../modules/types.ts";
import type { AppContext } from "../http/context.ts";
import { policyOf, queryValue } from "./request.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { can } from "../policies/index.ts";
import { companyContainer, profileContainer } from "./core-containers.ts";

/** Core's own kind, first and the default: a post (title, text, files), written by POST /posts. */
export const postKind = "post";

/** A module's kind of content in the composer, with the module it belongs to. */
export interface ModuleKind {
  type: string;
  moduleId: string;
  createPermission?: string;
  composer: ComposerKind;
}

/** Kinds of modules switched on for the site, in the order their types were registered. */
export function moduleKinds(registry: ModuleRegistry): ModuleKind[] {
  const kinds: ModuleKind[] = [];
  for (const { type, moduleId, composer, createPermission } of registry.contentTypes.values()) {
    if (composer && type !== postKind && registry.contentType(type)) kinds.push({ type, moduleId, createPermission, composer });
  }
  return kinds;
}

/** A module kind by its type, if its module is on for the site. */
export function moduleKind(registry: ModuleRegistry, type: string): ModuleKind | null {
  return moduleKinds(registry).find((kind) => kind.type === type) ?? null;
}

function postTab(here: string): ComposerTab {
  return { type: postKind, label: "stream:compose.kindPost", textLabel: "stream:compose.bodyLabel", href: here, action: "/posts", template: null, text: "required", files: true, isActive: false };
}

async function moduleTab(kind: ModuleKind, here: string, writer: ContentPolicy): Promise<ComposerTab> {
  const text = kind.composer.text === false ? "none" : kind.composer.text?.required ? "required" : "optional";
  const textLabel = (kind.composer.text || undefined)?.label ?? "stream:compose.bodyLabel";
  const locals = kind.composer.locals && writer.user ? await kind.composer.locals(writer.user) : {};
  return { type: kind.type, label: kind.composer.label, textLabel, href: `${here}?kind=${encodeURIComponent(kind.type)}`, action: `/compose/${kind.type}`, template: kind.composer.template, text, files: Boolean(kind.composer.files), isActive: false, locals };
}

/** The tabs with the asked one active (an unknown or unavailable kind opens the post's). */
function withActive(tabs: ComposerTab[], asked: string | undefined): { kinds: ComposerTab[]; kind: ComposerTab } {
  const active = tabs.find((tab) => tab.type === asked) ?? tabs[0];
  const kinds = tabs.map((tab) => ({ ...tab, isActive: tab === active }));
  return { kinds, kind: kinds[tabs.indexOf(active)] };
}

/** Whether the writer may write this kind in a container where its module is on: its own create permission, if it has one. */
const mayWrite = (registry: ModuleRegistry, policy: ContentPolicy, kind: ModuleKind, container: Container) =>
  kind.createPermission ? can(registry, policy.user, kind.createPermission, container) : Promise.resolve(true);

/**
 * The composer of one container's page (a group, a profile) for a writer who may post there: the post, then
 * each kind whose module is on in that container and which the writer may write. `here` is the page's address.
 */
export async function containerComposer(registry: ModuleRegistry, policy: ContentPolicy, container: Container, options: { here: string; returnTo: string; kind?: string }): Promise<ComposerView> {
  const tabs = [postTab(options.here)];
  for (const kind of moduleKinds(registry)) {
    if ((await registry.isEnabledIn(kind.moduleId, container)) && (await mayWrite(registry, policy, kind, container))) tabs.push(await moduleTab(kind, options.here, policy));
  }
  return { ...withActive(tabs, options.kind), target: streamKeyOf(container.type, container.id), returnTo: options.returnTo };
}

/** What a reader's "Post to" list is made of: the places they may post in, with the kinds offered in each. */
interface PickerTargets {
  targets: { value: string; label: string; kinds: string[] }[];
  /** The module kinds offered in at least one of them (each gets a tab). */
  offered: Set<string>;
  /** The list's options as rendered for each active kind, none chosen (stream/composer-targets.njk). */
  options: Map<string, string>;
  /** The whole composer as last rendered for the reader (stream/composer.njk), with what it was rendered for. */
  composer?: { key: string; html: string };
}

/**
 * Readers' "Post to" lists, kept in this process while nothing they are made of changed: the key names the
 * reader's users.subscriptions_version (their memberships, the groups they are in), the render epoch (names,
 * roles, module switches, site settings, groups' permissions: core/db/render-versions.ts), the language of
 * the labels and the kinds switched on for the site. Both versions are read with the session, so every process
 * sees a change made by any other; a request without them (no session row) computes the list every time.
 * At most `maxPickers` readers are kept, the least recently used going first.
 */
const pickers = new Map<number, { key: string; value: Promise<PickerTargets & { isRemembered?: true }> }>();
const maxPickers = 5_000;

/** The key of a reader's "Post to" list, or null when the request lacks a version to tell a stale list. */
function pickerKey(registry: ModuleRegistry, user: NonNullable<ContentPolicy["user"]>, memo: PickerMemo | undefined): string | null {
  if (!memo || memo.renderEpoch === undefined || typeof user.subscriptionsVersion !== "number") return null;
  return `${user.subscriptionsVersion}|${memo.renderEpoch}|${memo.lang}|${moduleKinds(registry)
    .map((kind) => kind.type)
    .join(" ")}`;
}

/** What lets the dashboard's composer remember a reader's "Post to" list (see `pickers`). */
export interface PickerMemo {
  renderEpoch: string | undefined;
  lang: string;
  /** Renders the options of a composer (stream/composer-targets.njk), kept with the list for the next pages. */
  renderOptions(composer: ComposerView): string;
  /**
   * Renders the whole composer, nothing typed (stream/composer.njk), kept with the list for the reader's next
   * page in the same session (`session`: the CSRF token it prints) while the kinds' locals are the same.
   */
  renderComposer?(composer: PickerComposerView): string;
  session?: string;
}

/** The dashboard's composer, with the "Post to" options already rendered when they were remembered. */
export interface PickerComposerView extends ComposerView {
  targetOptions?: string;
  /** The composer's HTML as remembered for the reader (see PickerMemo.renderComposer). */
  html?: string;
}

async function pickerTargets(registry: ModuleRegistry, policy: ContentPolicy, t: TFunction): Promise<PickerTargets> {
  const user = policy.user!;
  const containers: { container: Container; label: string }[] = [];
  if (await policy.canPostIn(companyContainer)) containers.push({ container: companyContainer, label: t("stream:targets.company") });
  containers.push({ container: profileContainer(user), label: t("stream:targets.profile") });
  for (const type of registry.containerTypes.keys()) {
    const definition = registry.containerType(type);
    if (definition?.postable) for (const container of await definition.postable(user)) containers.push({ container, label: container.name });
  }
  const kindsOf = new Map(containers.map(({ container }) => [streamKeyOf(container.type, container.id), [postKind]]));
  const offered = new Set<string>();
  for (const kind of moduleKinds(registry)) {
    for (const type of new Set(containers.map(({ container }) => container.type))) {
      const ids = containers.filter(({ container }) => container.type === type).map(({ container }) => container.id);
      for (const id of await registry.containersWithModule(kind.moduleId, type, ids)) {
        kindsOf.get(streamKeyOf(type, id))!.push(kind.type);
        offered.add(kind.type);
      }
    }
  }
  const targets = containers.map(({ container, label }) => ({ value: streamKeyOf(container.type, container.id), label, kinds: kindsOf.get(streamKeyOf(container.type, container.id))! }));
  return { targets, offered, options: new Map() };
}

function rememberedTargets(registry: ModuleRegistry, policy: ContentPolicy, t: TFunction, memo: PickerMemo | undefined): Promise<PickerTargets & { isRemembered?: true }> {
  const user = policy.user!;
  const key = pickerKey(registry, user, memo);
  if (key === null) return pickerTargets(registry, policy, t);
  const known = pickers.get(user.id);
  // The Map's order is the order of eviction: the reader just served goes last.
  pickers.delete(user.id);
  if (known && known.key === key) {
    pickers.set(user.id, known);
    return known.value;
  }
  const entry = { key, value: pickerTargets(registry, policy, t).then((targets) => Object.assign(targets, { isRemembered: true as const })) };
  pickers.set(user.id, entry);
  entry.value.catch(() => {
    if (pickers.get(user.id) === entry) pickers.delete(user.id);
  });
  for (const id of pickers.keys()) {
    if (pickers.size <= maxPickers) break;
    pickers.delete(id);
  }
  return entry.value;
}

/**
 * The dashboard's composer: "Post to" lists the company stream (where allowed), the writer's profile and
 * the containers each type says they may post in (their groups: one query), each with the kinds whose
 * module is on there (one query per kind and type). A kind offered nowhere gets no tab. With `memo` (the
 * request's render epoch and language), the list is remembered for the reader until one of its versions
 * moves (see `pickers`): a dashboard seen again costs no query for it.
 */
export async function pickerComposer(
  registry: ModuleRegistry,
  policy: ContentPolicy,
  t: TFunction,
  options: { here: string; returnTo: string; kind?: string; memo?: PickerMemo },
): Promise<PickerComposerView> {
  const remembered = await rememberedTargets(registry, policy, t, options.memo);
  const tabs = [postTab(options.here)];
  // The tabs are made on every request: a kind's locals(writer) are its module's own data, not versioned here.
  for (const kind of moduleKinds(registry)) if (remembered.offered.has(kind.type)) tabs.push(await moduleTab(kind, options.here, policy));
  const view: PickerComposerView = { ...withActive(tabs, options.kind), targets: remembered.targets, returnTo: options.returnTo };
  if (options.memo) {
    // Rendered once per reader and active kind while the list is remembered (a list not remembered is dropped with its options).
    let rendered = remembered.options.get(view.kind.type);
    if (rendered === undefined) remembered.options.set(view.kind.type, (rendered = options.memo.renderOptions(view)));
    view.targetOptions = rendered;
  }
  if (options.memo?.renderComposer && remembered.isRemembered) {
    // Everything the composer shows is in this key or in the list's own (the writer's name and face move the render epoch).
    const key = `${view.kind.type}|${options.memo.session ?? ""}|${JSON.stringify(view.kinds.map((tab) => tab.locals ?? null))}`;
    if (remembered.composer?.key !== key) remembered.composer = { key, html: options.memo.renderComposer(view) };
    view.html = remembered.composer.html;
  }
  return view;
}

/**
 * A module page's composer for one container (host.composerFor): the request's ?kind= opens a tab, and
 * the tabs link back to `returnTo`. Show it only to those who may post there.
 */
export function composerFor(ctx: AppContext, registry: ModuleRegistry, container: Container, options: { returnTo: string }): Promise<ComposerView> {
  return containerComposer(registry, policyOf(ctx, registry), container, { here: options.returnTo, returnTo: options.returnTo, kind: queryValue(ctx, "kind") });
}
