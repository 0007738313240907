/**
 * Plain text for what a channel cannot carry in its own form: paragraphs of the parts a message
 * folds into one text, and a receipt written out. Each channel records its own degradation and
 * escapes the result for its markup.
 */
import type { MessageOf } from '../../core/vocabulary/message.ts';

/** Joins the non-empty paragraphs with a blank line between them. */
export function paragraphs(...parts: Array<string | undefined>): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join('\n\n');
}

/** A receipt's subtotal, shipping and tax lines (those it gives) and its total, one a line. */
export function receiptTotals(summary: MessageOf<'receipt'>['summary'], money: Intl.NumberFormat): string[] {
  const s = summary;
  return [
    s.subtotal !== undefined ? `Subtotal: ${money.format(s.subtotal)}` : undefined,
    s.shippingCost !== undefined ? `Shipping: ${money.format(s.shippingCost)}` : undefined,
    s.totalTax !== undefined ? `Tax: ${money.format(s.totalTax)}` : undefined,
    `Total: ${money.format(s.totalCost)}`,
  ].filter((l): l is string => l !== undefined);
}

/**
 * A receipt as text: who and how it was paid, one item a line (its subtitle, and with
 * `itemImages` its image URL, indented below it), then the totals. Amounts in English.
 */
export function receiptText(message: MessageOf<'receipt'>, { itemImages = false } = {}): string {
  const money = new Intl.NumberFormat('en', { style: 'currency', currency: message.currency });
  const items = message.elements.map((e) => {
    const qty = e.quantity !== undefined ? ` × ${e.quantity}` : '';
    const lines = [`${e.title}${qty} — ${money.format(e.price)}`];
    if (e.subtitle !== undefined) lines.push(`  ${e.subtitle}`);
    if (itemImages && e.imageUrl !== undefined) lines.push(`  ${e.imageUrl}`);
    return lines.join('\n');
  });
  return paragraphs(
    `Receipt ${message.orderNumber}\nFor: ${message.recipientName}\nPayment: ${message.paymentMethod}`,
    items.join('\n'),
    receiptTotals(message.summary, money).join('\n'),
  );
}
