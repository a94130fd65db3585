import type { Sequelize } from "sequelize";
import { User } from "../models/user.ts";
import { removePhoto, storePhoto } from "../people/avatars.ts";

/**
 * Replaces a person's photo: the new sizes are written first and removed again if saving fails; the old
 * files are deleted only once the new key is committed. Throws PhotoRejectedError for bytes that are not a photo.
 */
export async function setProfilePhoto(services: { sequelize: Sequelize; uploadsDir: string }, user: User, bytes: Buffer): Promise<string> {
  const key = await storePhoto(services.uploadsDir, bytes);
  let previous: string | null = null;
  try {
    await services.sequelize.transaction(async (transaction) => {
      const row = await User.findByPk(user.id, { attributes: ["id", "photoKey"], transaction, lock: transaction.LOCK.UPDATE });
      if (!row) throw new Error(`no user ${user.id}`);
      previous = row.photoKey;
      await row.update({ photoKey: key }, { transaction });
    });
  } catch (error) {
    await removePhoto(services.uploadsDir, key);
    throw error;
  }
  await removePhoto(services.uploadsDir, previous);
  return key;
}

/** Goes back to the initial: the key is cleared, then the files go. */
export async function removeProfilePhoto(services: { sequelize: Sequelize; uploadsDir: string }, user: User): Promise<void> {
  const row = await User.findByPk(user.id, { attributes: ["id", "photoKey"] });
  if (!row?.photoKey) return;
  const previous = row.photoKey;
  await row.update({ photoKey: null });
  await removePhoto(services.uploadsDir, previous);
}
