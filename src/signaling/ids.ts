// Names in signaling: room names (patterns from docs/schemas/common.json) and member ids (owned by the core, as frames carry them).

import { LIMITS } from './schemas';

export { compareIds, isMemberId, MEMBER_ID_PATTERN, sortedMembers, type MemberId } from '../core/ids';

export const ROOM_NAME_PATTERN = new RegExp(LIMITS.roomPattern);

export function isRoomName(value: unknown): value is string {
  return typeof value === 'string' && ROOM_NAME_PATTERN.test(value);
}
