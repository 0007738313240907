/**
 * What façades may use of the Messenger channel (src/compat/): the message tags Messenger
 * documents, which Webex Connect's Facebook messages name in its own schema. Everything else in
 * this folder is the connector's own business.
 */
export { MESSENGER_TAGS } from './limits.ts';
