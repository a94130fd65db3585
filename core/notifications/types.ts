import type { Content } from "../models/content.ts";
import type { User } from "../models/user.ts";
import type { Container } from "../modules/container-types.ts";

/**
 * How a container's notification level (a group member's "all / highlights / none") applies to a type:
 * "activity" reaches "all" only, "highlight" reaches "all" and "highlights", "always" ignores the level.
 */
export type NotificationLevelRule = "activity" | "highlight" | "always";

export type { ContainerNotificationLevel } from "../modules/container-types.ts";

export interface NotificationTypeDefinition {
  /** Core's are plain ("mention"); a module's start with its id and a dot ("groups.invitation"). */
  id: string;
  /** Translation key naming the type on the settings page. */
  label: string;
  /**
   * Translation key of one line, called with {actor, count, subject}: count is how many others did the
   * same (give _zero, _one and _other forms), subject the item's title or excerpt.
   */
  message: string;
  /** Channels on until the person changes them; e-mail only for what is addressed to them. */
  defaults: { web: boolean; email: boolean };
  level?: NotificationLevelRule;
  /**
   * For a notification about a container without a content (an invitation, a request): which of these
   * containers (ids of `containerType`) the viewer may still know of, asked each time it is shown or
   * mailed; the others show a neutral line without name or link. Without it: those the viewer may read.
   */
  visibleContainers?(viewer: User, containerType: string, ids: number[]): Promise<Set<number>>;
}

/** What a module (or core) asks: who, what happened, about what. Delivery, filtering and grouping are core's. */
export interface NotifyRequest {
  type: string;
  /** User ids; the actor, inactive accounts and people who may not read the content are dropped. */
  recipients: number[];
  actor: User | null;
  subject: {
    /** Checked per recipient with ContentPolicy.canRead. */
    content?: Content | null;
    /** Used for the members' notification level; not a read check (an invitation reaches an outsider). */
    container?: Container | null;
    /** Local path the notification opens, e.g. "/g/design". */
    url: string;
    /** Shown as the subject; by default the post's title or an excerpt. */
    title?: string | null;
  };
  /** Notifications with the same key fold together while unread; defaults to the content, else the url. */
  groupKey?: string;
  /** Another message key than the type's, e.g. "reply to your comment" within the "reply" type. */
  message?: string;
}

export type RegisteredNotificationType = NotificationTypeDefinition & { moduleId: string };

/** Core's types: e-mail by default only for what is addressed to the person (mentions, replies). */
export const coreNotificationTypes: NotificationTypeDefinition[] = [
  { id: "mention", label: "notifications:types.mention", message: "notifications:messages.mention", defaults: { web: true, email: true }, level: "highlight" },
  { id: "reply", label: "notifications:types.reply", message: "notifications:messages.reply", defaults: { web: true, email: true }, level: "activity" },
  { id: "comment", label: "notifications:types.comment", message: "notifications:messages.comment", defaults: { web: true, email: false }, level: "activity" },
  { id: "reaction", label: "notifications:types.reaction", message: "notifications:messages.reaction", defaults: { web: true, email: false }, level: "activity" },
  { id: "announcement", label: "notifications:types.announcement", message: "notifications:messages.announcement", defaults: { web: true, email: false }, level: "highlight" },
  { id: "follow", label: "notifications:types.follow", message: "notifications:messages.follow", defaults: { web: true, email: false }, level: "always" },
];

const moduleTypeId = /^[a-z0-9-]+\.[a-z0-9.-]{1,50}$/;

/** Every notification type, core's and those modules registered; the registry adopts a module's with its other registrations. */
export class NotificationTypes {
  private types = new Map<string, RegisteredNotificationType>();

  constructor() {
    for (const definition of coreNotificationTypes) this.types.set(definition.id, { ...definition, moduleId: "core" });
  }

  /** Throws (failing the module's registration) on an id outside the module's namespace or already taken. */
  static check(moduleId: string, definition: NotificationTypeDefinition) {
    if (!moduleTypeId.test(definition.id) || !definition.id.startsWith(`${moduleId}.`)) {
      throw new Error(`notification type "${definition.id}" must be named "${moduleId}.<name>"`);
    }
  }

  add(moduleId: string, definition: NotificationTypeDefinition) {
    if (this.types.has(definition.id)) throw new Error(`notification type "${definition.id}" is already registered`);
    this.types.set(definition.id, { ...definition, moduleId });
  }

  get(id: string): RegisteredNotificationType | undefined {
    return this.types.get(id);
  }

  all(): RegisteredNotificationType[] {
    return [...this.types.values()];
  }
}
