/** WeChat's push XML, decoded: the `<xml>` root as an object of strings. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isObj } from '../../lib/json.ts';

// Values stay strings: an openid or MsgId must not turn into a number (MsgId exceeds 2^53).
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true });

/** The `<xml>` root as an object of strings; throws on anything that is not well-formed XML. */
export function decodeWechatXml(rawBody: Buffer): Record<string, unknown> {
  const text = rawBody.toString('utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg}`);
  const doc: unknown = parser.parse(text);
  const root = isObj(doc) ? doc['xml'] : undefined;
  if (!isObj(root)) throw new Error('the XML has no <xml> root');
  return root;
}
