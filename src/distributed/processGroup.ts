// Process groups and the module's state: the default group (WORLD) and the groups made by
// newGroup. Every group shares the default group's connections; a group is its list of
// global ranks. Ranks passed to collectives (src, dst) are global ranks, as in PyTorch.
import { RuntimeError } from "../errors.ts";
import type { Store } from "./store.ts";

export class ProcessGroup {
  /** @internal */
  constructor(
    /** @internal id shared by every rank (groups are created in the same order everywhere). */
    readonly _id: number,
    /** @internal global ranks of the members, in group-rank order. */
    readonly _ranks: readonly number[],
    /** @internal this process's global rank. */
    readonly _globalRank: number,
    /** @internal */
    readonly _timeoutMs: number,
  ) {}

  /** This process's rank in the group. */
  rank(): number {
    return this._ranks.indexOf(this._globalRank);
  }
  size(): number {
    return this._ranks.length;
  }
  /** torch-ts's backend for CPU tensors stands where PyTorch's gloo does. */
  name(): string {
    return "gloo";
  }
  /** "ProcessGroup(gloo, ranks=[...])". */
  toString(): string {
    return `ProcessGroup(gloo, ranks=[${this._ranks.join(", ")}])`;
  }
}

/** What newGroup returns on ranks outside the new group (PyTorch's GroupMember.NON_GROUP_MEMBER). */
export const NON_GROUP_MEMBER: unique symbol = Symbol("NON_GROUP_MEMBER");

/** A process group as the collectives take it: a ProcessGroup, or NON_GROUP_MEMBER on ranks outside it. */
export type Group = ProcessGroup | typeof NON_GROUP_MEMBER;

export interface State {
  world: ProcessGroup;
  store: Store;
  /** Closes what init created (the store it opened). */
  close(): void;
  groups: number;
}

let state: State | null = null;

export function getState(): State | null {
  return state;
}
export function setState(s: State | null): void {
  state = s;
}

export function requireWorld(): State {
  if (!state) throw new RuntimeError("Default process group has not been initialized, please make sure to call init_process_group.");
  return state;
}

/** The group a collective runs on: the given one, or WORLD. */
export function resolveGroup(group: unknown): Group {
  const s = requireWorld();
  if (group === undefined || group === null) return s.world;
  if (group === NON_GROUP_MEMBER || group instanceof ProcessGroup) return group;
  throw new RuntimeError(`Invalid process group specified: ${String(group)}`);
}

/** A global rank's rank within the group (PyTorch's _get_group_rank). */
export function groupRank(group: ProcessGroup, globalRank: number, what: string): number {
  const i = group._ranks.indexOf(globalRank);
  if (i < 0) throw new RuntimeError(`The global rank ${globalRank} is not part of the group ${group} (${what})`);
  return i;
}
