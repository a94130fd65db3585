import { User, audit, HttpError } from "../../../core/sdk/index.ts";
import { Group, visibilities, type Visibility } from "../models/group.ts";
import { GroupProposal } from "../models/request.ts";
import { createGroup } from "./group-writer.ts";

const sequelize = () => Group.sequelize!;

/**
 * An instance admin approves a request for a group (the group is created, its requester owner) or
 * declines it. The proposal is claimed by deleting it inside the transaction: of several concurrent
 * decisions only the one whose delete removed the row goes on (on PostgreSQL the others wait for its
 * commit, then remove nothing), so one proposal never makes two groups.
 * Returns the group created, or null when declined (or when the requester is gone: nothing to own it).
 */
export async function decideProposal(actor: User, proposalId: number, isApproved: boolean): Promise<Group | null> {
  return sequelize().transaction(async (transaction) => {
    const proposal = await GroupProposal.findByPk(proposalId, { transaction });
    if (!proposal) throw new HttpError(404, "groups:admin.errors.proposalGone");
    const claimed = await GroupProposal.destroy({ where: { id: proposal.id }, transaction });
    if (claimed !== 1) throw new HttpError(409, "groups:admin.errors.proposalGone");
    const requester = isApproved ? await User.findByPk(proposal.userId, { transaction }) : null;
    const visibility = proposal.visibility as Visibility;
    if (!requester || !visibilities.includes(visibility)) {
      await audit(actor, "group.proposal.declined", null, { name: proposal.name, userId: proposal.userId }, transaction);
      return null;
    }
    const group = await createGroup(requester, { name: proposal.name, description: proposal.description, visibility, categoryId: null, tags: "" }, transaction);
    await audit(actor, "group.proposal.approved", { type: "group", id: group.id }, { userId: proposal.userId }, transaction);
    return group;
  });
}
