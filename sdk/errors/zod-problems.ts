import type { z } from 'zod';

/** Flattens a zod error into `{ path, message }` pairs with dotted paths. */
export function zodProblems(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
