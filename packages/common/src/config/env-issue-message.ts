import type { z } from 'zod';

/**
 * Our own words for a setting's value that does not pass its schema, as "Invalid PORT: <this>": a person reads
 * it, so no validation library's text ("Invalid input: expected number, received NaN"). A message a schema
 * gives itself (`.regex(…, 'must be …')`) takes precedence over this one (zod's order), so each schema says
 * what only it knows.
 */
export function envIssueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be a whole number';
      if (issue.expected === 'number') return 'must be a number';
      return `must be a ${issue.expected}`;
    case 'too_big':
      return issue.origin === 'number' || issue.origin === 'bigint'
        ? `must be ${issue.inclusive === false ? 'below' : 'at most'} ${String(issue.maximum)}`
        : `must be at most ${String(issue.maximum)} characters long`;
    case 'too_small':
      return issue.origin === 'number' || issue.origin === 'bigint'
        ? `must be ${issue.inclusive === false ? 'above' : 'at least'} ${String(issue.minimum)}`
        : `must be at least ${String(issue.minimum)} characters long`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be an absolute URL' : `must be a valid ${issue.format}`;
    default:
      return 'is not a value this setting accepts';
  }
}
