/**
 * What façades may use of the LINE channel (src/compat/: FIRST LINE's Flex carousels and Infobip's
 * LINE messages go out as LINE's own message objects through the canonical `raw` kind, which the
 * connector never looks inside). They build those objects with the connector's own action
 * rendering and check them with its own limits and action checks, so a raw message is held to
 * what a native one is. Everything else in this folder is the connector's own business.
 */
export { checkActions, LineIssues } from './check-actions.ts';
export { LINE_LIMITS, LINE_USER_ID } from './limits.ts';
export { type LineObject, toLineAction } from './render-actions.ts';
export { carouselAltText } from './render-template.ts';
