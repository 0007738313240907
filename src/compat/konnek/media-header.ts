/**
 * A button message with a video or document header. The canonical header is text or an image, so
 * there is no canonical form for it; WhatsApp has one (an interactive reply-button message's header
 * may be a video or a document), so on WhatsApp it goes as `raw`, and elsewhere it is refused.
 *
 * The raw body is what the WhatsApp connector renders for the canonical equivalent (the same message
 * with the URL as an image header) with only the header swapped, after the connector's own checks
 * of that equivalent: WhatsApp's limits on the text, buttons and footer are checked before anything
 * is stored, exactly as for an image header.
 */
import type { CanonicalMessage, ChannelConnector, FieldIssue, MessageOf } from '../../core/index.ts';
import type { KonnekIssue } from './errors.ts';

type Obj = Record<string, unknown>;

export function withMediaHeader(
  connector: ChannelConnector,
  equivalent: MessageOf<'buttons'>,
  header: { type: 'video' | 'document'; url: string },
  options: Record<string, unknown> | undefined,
): { message: CanonicalMessage } | { issues: FieldIssue[] } | { issue: KonnekIssue } {
  if (connector.name !== 'whatsapp') {
    return {
      issue: {
        field: 'header.type',
        detail: `${connector.displayName} cannot show a ${header.type} header on buttons (text and image headers only; WhatsApp shows all four)`,
      },
    };
  }
  const issues = connector.check(equivalent);
  if (issues.length > 0) return { issues };
  const own = options?.[connector.name] as Obj | undefined;
  const rendered = connector.render(equivalent, { to: '', retryKey: '', ...(own ? { options: own } : {}) });
  const {
    messaging_product: _product,
    recipient_type: _type,
    to: _to,
    ...payload
  } = rendered.request.body as Obj;
  const interactive = payload['interactive'] as Obj | undefined;
  if (interactive?.['type'] !== 'button') {
    return {
      issue: {
        field: 'header.type',
        detail: `WhatsApp shows a ${header.type} header only on 1 to 3 reply buttons; this message has ${equivalent.actions.length}`,
      },
    };
  }
  return {
    message: {
      type: 'raw',
      payload: {
        ...payload,
        interactive: { ...interactive, header: { type: header.type, [header.type]: { link: header.url } } },
      },
    },
  };
}
