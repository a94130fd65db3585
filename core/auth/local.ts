import { Strategy as LocalStrategy } from "passport-local";
import { Op } from "sequelize";
import { User } from "../models/user.ts";
import { verifyPassword } from "./passwords.ts";

export type LoginFailure = "invalid" | "pending" | "disabled";

/** Finds an account by e-mail or username, case-insensitively. */
export function findByLogin(login: string) {
  const value = login.trim().toLowerCase();
  return User.findOne({ where: { [Op.or]: [{ email: value }, { username: value }] } });
}

/**
 * passport's local strategy: e-mail or username plus password. A pending or disabled account is
 * refused even with the right password, and told why only once the password matched.
 */
export function localStrategy() {
  return new LocalStrategy({ usernameField: "login", passwordField: "password" }, async (login, password, done) => {
    try {
      const user = await findByLogin(login);
      const isValid = await verifyPassword(user?.passwordHash ?? null, password);
      if (!user || !isValid) return done(null, false, { message: "invalid" satisfies LoginFailure });
      if (user.status !== "active") return done(null, false, { message: user.status as LoginFailure });
      return done(null, user);
    } catch (error) {
      return done(error);
    }
  });
}
