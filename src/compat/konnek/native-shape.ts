/**
 * The native send trusts its caller to hand it a schema-valid message and channel options (the
 * native API validates both at the door), so what the façade built is checked here against the
 * same schemas: a Konnek value that makes it invalid (a media URL that is not http, a latitude of
 * 200) is refused naming the Konnek field, rather than stored.
 */
import type { ValidateFunction } from 'ajv';
import type { ChannelConnector, FieldIssue } from '../../core/index.ts';
import { CanonicalMessage } from '../../core/index.ts';
import { issuesFromAjv } from '../../http/problem.ts';
import { compileSchema, validatorOnFirstUse } from '../../lib/schema-validator.ts';

const messageValidator = validatorOnFirstUse(CanonicalMessage);
const validOptions = new Map<string, ValidateFunction>();

function optionsValidator(connector: ChannelConnector): ValidateFunction | undefined {
  if (connector.optionsSchema === undefined) return undefined;
  let validate = validOptions.get(connector.name);
  if (validate === undefined) {
    validate = compileSchema(connector.optionsSchema);
    validOptions.set(connector.name, validate);
  }
  return validate;
}

/** Problems with the message and the channel's options, as pointers into the native command. */
export function nativeShapeIssues(
  connector: ChannelConnector,
  message: CanonicalMessage,
  options: Record<string, unknown> | undefined,
): FieldIssue[] {
  const validMessage = messageValidator();
  const issues = validMessage(message) ? [] : issuesFromAjv(validMessage.errors ?? [], 'message');
  const own = options?.[connector.name];
  const validate = own === undefined ? undefined : optionsValidator(connector);
  if (validate && !validate(own)) {
    issues.push(...issuesFromAjv(validate.errors ?? [], `options/${connector.name}`));
  }
  return issues;
}
