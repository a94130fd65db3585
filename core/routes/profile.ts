import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { can } from "../policies/index.ts";
import { requireUser, safeNext } from "../auth/current-user.ts";
import { User } from "../models/user.ts";
import { UserProfile, UserTag } from "../models/profile.ts";
import { streamKeyOf } from "../models/content.ts";
import { profileContainer } from "../content/core-containers.ts";
import { containerComposer } from "../content/composer.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { renderInvalid, validateForm, type FieldErrors } from "./form.ts";
import { flash } from "../views/render.ts";
import { policyOf, queryValue } from "../content/request.ts";
import { decodeCursor, encodeCursor, profileStreamPage } from "../content/stream.ts";
import { entryLoader } from "../content/cached-entries.ts";
import { enabledFields, type FieldSwitches } from "../people/profile-fields.ts";
import { loadProfileView } from "../people/profile-view.ts";
import { directoryFacets } from "../people/directory.ts";
import { photoPath, photoSizes, PhotoRejectedError, type PhotoSize } from "../people/avatars.ts";
import { initialAvatar } from "../people/initial-avatar.ts";
import { receivePhoto } from "../people/photo-upload.ts";
import { photoUrl } from "../people/cards.ts";
import { tagListField } from "../people/tags.ts";
import { ProfileRejectedError, updateProfile, type ProfileInput } from "../commands/profile-updater.ts";
import { removeProfilePhoto, setProfilePhoto } from "../commands/profile-photo.ts";
import { follow, unfollow } from "../commands/follow-writer.ts";
import { directoryManagedFields, type ManagedField } from "../auth/ldap/managed-fields.ts";

const usernamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const streamPageSize = 20;

/** One line of text: trimmed, inner runs of spaces collapsed, "" stored as null. */
const line = (max: number) =>
  z
    .string()
    .max(max * 4, "validation:tooLong")
    .optional()
    .transform((value) => value?.replace(/\s+/g, " ").trim() || null)
    .refine((value) => !value || [...value].length <= max, "validation:tooLong");

const phonePattern = /^\+?[0-9][0-9 ().\/-]{1,30}(\s*(x|ext\.?)\s*[0-9]{1,6})?$/i;

/** Every editable field; the form validates only those the admin left on (others are ignored, not changed). */
const profileSchema = z.object({
  jobTitle: line(100),
  department: line(100),
  location: line(100),
  phone: line(40).refine((value) => !value || phonePattern.test(value), "profile:errors.phone"),
  manager: z
    .string()
    .max(100, "validation:tooLong")
    .optional()
    .transform((value) => value?.trim().replace(/^@/, "").toLowerCase() || null)
    .refine((value) => !value || usernamePattern.test(value), "profile:errors.managerUnknown"),
  bio: z
    .string()
    .max(5000, "profile:errors.bioTooLong")
    .optional()
    .transform((value) => value?.replace(/\r\n?/g, "\n").trim() || null),
  skills: tagListField,
  languages: tagListField,
});
type SchemaField = keyof typeof profileSchema.shape;
const schemaFields = Object.keys(profileSchema.shape) as SchemaField[];

/** The fields the person may change: switched on by the admin, and not managed by the company directory (those are ignored, never saved). */
function formSchema(fields: FieldSwitches, managed: Set<ManagedField>) {
  const editable = schemaFields.filter((field) => fields[field] && !managed.has(field as ManagedField));
  return profileSchema.pick(Object.fromEntries(editable.map((field) => [field, true])) as Partial<Record<SchemaField, true>>);
}

/** An active person by the :username in the URL, or a 404 (disabled and pending accounts are not shown). */
async function personAt(username: string | undefined): Promise<User> {
  const name = (username ?? "").toLowerCase();
  if (!usernamePattern.test(name)) throw notFound();
  const person = await User.findOne({ where: { username: name, status: "active" } });
  if (!person) throw notFound();
  return person;
}

/**
 * /u/:username (profile, its stream and composer), its photo, follow/unfollow, and /account/profile where
 * people edit their own. Guests see a colleague's name and photo only: fields and stream follow the
 * profile container's read rule, which keeps them from staff.
 */
export function profileRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const uploadsDir = services.config.uploadsDir;

  router.get("/u/:username", requireUser, async (ctx) => {
    const person = await personAt(ctx.params.username);
    const viewer = ctx.state.user!;
    const fields = await enabledFields(services.settings);
    const policy = policyOf(ctx, services.registry);
    const container = profileContainer(person);
    const before = decodeCursor(ctx.query.before);
    const isSelf = person.id === viewer.id;
    // The photo (on the person's row) is shown to everyone; the profile row only to those who may read the profile.
    const photo = fields.photo ? photoUrl(person.username, person.photoKey, "large") : null;
    if (!(await policy.canReadContainerOf(container))) {
      await ctx.render("profile/show.njk", { person, isSelf, photo, isLimited: true, title: person.displayName });
      return;
    }
    // Their activity wherever the viewer may read it, not only what was posted on the profile itself.
    const page = await profileStreamPage(services.registry, policy, person.id, before, streamPageSize);
    const entries = await entryLoader(ctx, services.registry, container)(page.contents);
    const nextUrl = page.next ? `/u/${person.username}?before=${encodeCursor(page.next)}` : null;
    if (ctx.query.partial === "1") {
      await ctx.render("stream/page.njk", { entries, nextUrl, pageContainer: container });
      return;
    }
    const profile = await UserProfile.findByPk(person.id);
    const view = await loadProfileView(services.sequelize, person, profile, viewer, fields);
    const hookContext = { user: viewer, container };
    await ctx.render("profile/show.njk", {
      // Modules' pages on a profile (profile/tabs.njk puts the activity first).
      profileTabs: await services.registry.menu("profile", hookContext, (permissionId) => can(services.registry, viewer, permissionId, container)),
      panels: await services.registry.hooks.apply("profile.panels", [], hookContext),
      person,
      isSelf,
      photo,
      fields,
      view,
      canFollow: !isSelf && viewer.role !== "guest",
      entries,
      nextUrl,
      pageContainer: container,
      composer: (await policy.canPostIn(container)) ? await containerComposer(services.registry, policy, container, { here: `/u/${person.username}`, returnTo: `/u/${person.username}`, kind: queryValue(ctx, "kind") }) : null,
      emptyMessage: ctx.state.t("profile:stream.empty", { name: person.displayName }),
      title: person.displayName,
    });
  });

  router.get("/u/:username/photo", requireUser, async (ctx) => {
    const person = await personAt(ctx.params.username);
    const size = (queryValue(ctx, "size", Object.keys(photoSizes)) ?? "large") as PhotoSize;
    const fields = await enabledFields(services.settings);
    const key = fields.photo ? person.photoKey : null;
    const file = photoPath(uploadsDir, key, size);
    const info = file ? await stat(file).catch(() => null) : null;
    // Photos are for signed-in colleagues only: browsers may keep them, shared caches may not.
    // A versioned address names one upload (a new photo gets a new key), so it may be kept for good.
    ctx.set("Cache-Control", ctx.query.v && info ? "private, max-age=31536000, immutable" : "private, max-age=300");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    // The initial changes with the name: it is part of the tag (hashed, as headers are ASCII).
    ctx.etag = info ? `${key}-${size}` : `initial-${size}-${createHash("sha1").update(`${person.username}\n${person.displayName}`).digest("hex").slice(0, 16)}`;
    if (info) ctx.lastModified = info.mtime;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    if (file && info?.isFile()) {
      ctx.type = "image/webp";
      ctx.length = info.size;
      ctx.body = createReadStream(file);
    } else {
      ctx.type = "image/svg+xml";
      ctx.body = initialAvatar(person.displayName, person.username, photoSizes[size]);
    }
  });

  router.post("/u/:username/follow", requireUser, async (ctx) => {
    const person = await personAt(ctx.params.username);
    await follow(services.registry, ctx.state.user!, person);
    flash(ctx, "success", "profile:follow.followed", { name: person.displayName });
    // From a list of people to follow (the first-day block): back there.
    ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : `/u/${person.username}`);
  });

  router.post("/u/:username/unfollow", requireUser, async (ctx) => {
    const person = await personAt(ctx.params.username);
    await unfollow(ctx.state.user!, person);
    flash(ctx, "success", "profile:follow.unfollowed", { name: person.displayName });
    ctx.redirect(`/u/${person.username}`);
  });

  /**
   * The edit page's locals besides values and errors: which fields to show, the current photo, and the
   * fields the company directory manages, shown read-only with their stored values (never what was posted).
   */
  async function editLocals(ctx: AppContext, fields: FieldSwitches, managed: Set<ManagedField>, photoErrors: FieldErrors = {}) {
    const user = ctx.state.user!;
    const facets = await directoryFacets(services.sequelize, fields);
    // Only the fields this page shows (name and e-mail live on the account page).
    const shown = [...managed].filter((field) => (fields as Record<string, boolean>)[field]);
    const directory = shown.length > 0 ? { managed: Object.fromEntries(shown.map((field) => [field, true])), values: await currentValues(user) } : null;
    return { fields, facets, photoErrors, directory, photo: photoUrl(user.username, user.photoKey, "large"), title: ctx.state.t("profile:edit.title") };
  }

  const managedFieldsOf = (ctx: AppContext) => directoryManagedFields(services.config, ctx.state.user!);

  async function currentValues(user: User) {
    const profile = await UserProfile.findByPk(user.id);
    const tags = await UserTag.findAll({ where: { userId: user.id }, order: [["name", "ASC"]] });
    const manager = profile?.managerId ? await User.findByPk(profile.managerId, { attributes: ["username"] }) : null;
    const labels = (kind: string) => tags.filter((tag) => tag.kind === kind).map((tag) => tag.label).join(", ");
    return {
      jobTitle: profile?.jobTitle ?? "",
      department: profile?.department ?? "",
      location: profile?.location ?? "",
      phone: profile?.phone ?? "",
      manager: manager?.username ?? "",
      bio: profile?.bio ?? "",
      skills: labels("skill"),
      languages: labels("language"),
    };
  }

  router.get("/account/profile", requireUser, async (ctx) => {
    const fields = await enabledFields(services.settings);
    await ctx.render("profile/edit.njk", { ...(await editLocals(ctx, fields, await managedFieldsOf(ctx))), values: await currentValues(ctx.state.user!), errors: {} });
  });

  router.post("/account/profile", requireUser, async (ctx) => {
    const fields = await enabledFields(services.settings);
    // The form has no inputs for directory-managed fields; a request that sends them anyway is not obeyed on them.
    const managed = await managedFieldsOf(ctx);
    const { data, errors } = validateForm(formSchema(fields, managed), ctx.state.body);
    if (!data) return renderInvalid(ctx, "profile/edit.njk", errors, await editLocals(ctx, fields, managed));
    try {
      await updateProfile(services.sequelize, ctx.state.user!, data as ProfileInput);
    } catch (error) {
      if (!(error instanceof ProfileRejectedError)) throw error;
      return renderInvalid(ctx, "profile/edit.njk", { [error.field]: error.messageKey }, await editLocals(ctx, fields, managed));
    }
    flash(ctx, "success", "profile:edit.saved");
    ctx.redirect("/account/profile");
  });

  async function refusePhoto(ctx: AppContext, fields: FieldSwitches, status: number, error: string) {
    ctx.status = status;
    await ctx.render("profile/edit.njk", { ...(await editLocals(ctx, fields, await managedFieldsOf(ctx), { photo: error })), values: await currentValues(ctx.state.user!), errors: {} });
    ctx.status = status;
  }

  /** The photo routes answer 403 when the photo is switched off, or is the company directory's. */
  async function requireEditablePhoto(ctx: AppContext, fields: FieldSwitches) {
    if (!fields.photo) throw forbidden("profile:errors.fieldOff");
    if ((await managedFieldsOf(ctx)).has("photo")) throw forbidden("ldap:profile.photoManaged");
  }

  router.post("/account/profile/photo", requireUser, async (ctx) => {
    const fields = await enabledFields(services.settings);
    await requireEditablePhoto(ctx, fields);
    const received = await receivePhoto(ctx);
    if ("error" in received) return refusePhoto(ctx, fields, received.status, received.error);
    try {
      await setProfilePhoto({ sequelize: services.sequelize, uploadsDir }, ctx.state.user!, received.bytes);
    } catch (error) {
      if (!(error instanceof PhotoRejectedError)) throw error;
      return refusePhoto(ctx, fields, 422, error.messageKey);
    }
    flash(ctx, "success", "profile:photo.saved");
    ctx.redirect("/account/profile");
  });

  router.post("/account/profile/photo/remove", requireUser, async (ctx) => {
    const fields = await enabledFields(services.settings);
    await requireEditablePhoto(ctx, fields);
    await removeProfilePhoto({ sequelize: services.sequelize, uploadsDir }, ctx.state.user!);
    flash(ctx, "success", "profile:photo.removed");
    ctx.redirect("/account/profile");
  });

  return router;
}

