import { condition } from '../conditions.js';

/** 2003: <poll op="ack"> names no message. */
export const msgIdMissing = condition('msgIdMissing', 2003, () => ({ msg: 'msgID is required with op="ack"' }));

/** 2303: the message to acknowledge is not waiting in the registrar's own queue (unknown, someone else's, or already acknowledged). */
export const messageNotQueued = condition('messageNotQueued', 2303, (msgID: string) => ({ msg: `No message ${msgID} waits in your queue` }));
