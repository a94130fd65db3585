import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { fileTypeFromBuffer } from "file-type";
import { HttpError } from "../../../core/sdk/index.ts";
import { Group } from "../models/group.ts";
import { GroupImage } from "../models/settings.ts";

export const imageMaxBytes = 5 * 1024 * 1024;
const acceptedTypes = new Set(["image/png", "image/jpeg", "image/webp", "image/gif"]);
/** Covers are a wide banner, icons a square; both re-encoded, so nothing but pixels from the upload is ever served. */
const sizes = { cover: { width: 1200, height: 300 }, icon: { width: 256, height: 256 } } as const;

/** Checks the bytes by content, resizes and stores the image; the group's key changes so browsers fetch the new one. */
export async function storeGroupImage(group: Group, kind: "cover" | "icon", bytes: Buffer): Promise<void> {
  if (bytes.length === 0) throw new HttpError(422, "groups:images.errors.empty");
  if (bytes.length > imageMaxBytes) throw new HttpError(413, "groups:images.errors.tooLarge");
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !acceptedTypes.has(detected.mime)) throw new HttpError(422, "groups:images.errors.type");
  let data: Buffer;
  try {
    data = await sharp(bytes, { limitInputPixels: 40_000_000 }).rotate().resize({ ...sizes[kind], fit: "cover" }).webp({ quality: 82 }).toBuffer();
  } catch {
    throw new HttpError(422, "groups:images.errors.unreadable");
  }
  await Group.sequelize!.transaction(async (transaction) => {
    await GroupImage.upsert({ groupId: group.id, kind, mime: "image/webp", data }, { transaction });
    await group.update(kind === "cover" ? { coverKey: randomBytes(8).toString("hex") } : { iconKey: randomBytes(8).toString("hex") }, { transaction });
  });
}

export async function removeGroupImage(group: Group, kind: "cover" | "icon"): Promise<void> {
  await Group.sequelize!.transaction(async (transaction) => {
    await GroupImage.destroy({ where: { groupId: group.id, kind }, transaction });
    await group.update(kind === "cover" ? { coverKey: null } : { iconKey: null }, { transaction });
  });
}
