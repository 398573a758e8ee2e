// A setting that holds a JSON array of records, inline or as the path of a file that holds one
// (BATON_CONSOLE_USERS: read by the console and by the approver notifier, each with its own view
// of a record), and the one-line reasons a bad value is refused with.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/** Why a text is not JSON, by position only: V8's message quotes the text itself, which may hold
 *  personal data, and this reason goes to logs, spans and HTTP answers. */
export function describeJsonError(err: unknown): string {
  const position = /position (\d+)/.exec((err as Error)?.message ?? '')?.[1];
  return position ? `malformed at character ${position}` : 'malformed or empty';
}

/** Formats a zod error as one line naming each offending field. */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** A string setting holding a JSON array of `item` (or a file's path), parsed into that array. */
export function jsonListField<T extends z.ZodType>(item: T, what: string) {
  return z
    .string()
    .default('[]')
    .transform((value, ctx): Array<z.output<T>> => {
      let text = value.trim();
      if (!text.startsWith('[')) {
        if (!existsSync(text)) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a JSON array of ${what} or the path of a file that holds one`,
          });
          return z.NEVER;
        }
        text = readFileSync(text, 'utf8');
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `not JSON: ${describeJsonError(err)}` });
        return z.NEVER;
      }
      const list = z.array(item).safeParse(json);
      if (!list.success) {
        ctx.addIssue({ code: 'custom', message: describeIssues(list.error.issues) });
        return z.NEVER;
      }
      return list.data;
    });
}
