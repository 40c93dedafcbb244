import { Connection } from '@temporalio/client';
import { StratumError } from '../../sdk/errors';

/** A search attribute Stratum needs exists on the server with another type. */
export class SearchAttributeConflictError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_SEARCH_ATTRIBUTE_CONFLICT';

  constructor(conflicts: readonly { name: string; expected: string; actual: string }[], namespace: string, address: string) {
    super(
      `[STRATUM_SEARCH_ATTRIBUTE_CONFLICT] Search attribute(s) on ${address} (namespace ${namespace}) have the wrong type: ` +
        conflicts.map((c) => `${c.name} is ${c.actual}, Stratum needs ${c.expected}`).join('; ') +
        '. Search attribute types cannot be changed; remove the attribute with ' +
        '`temporal operator search-attribute remove`, or delete the dev server database (.stratum/data/temporal.db).',
    );
    this.name = 'SearchAttributeConflictError';
  }
}

/** Search attribute type names the CLI takes, with their `IndexedValueType` proto numbers. */
const INDEXED_VALUE_TYPES: Readonly<Record<string, number>> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

const INDEXED_VALUE_TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(INDEXED_VALUE_TYPES).map(([name, value]) => [value, name]),
);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function parseDeclarations(declarations: readonly string[]): { name: string; type: string }[] {
  return declarations.map((declaration) => {
    const [name, type] = declaration.split('=');
    if (!name || !type || INDEXED_VALUE_TYPES[type] === undefined) {
      throw new TypeError(
        `Invalid search attribute declaration "${declaration}": expected Name=Type with Type one of ${Object.keys(INDEXED_VALUE_TYPES).join(', ')}.`,
      );
    }
    return { name, type };
  });
}

/**
 * Make sure every `Name=Type` search attribute exists on the server, adding missing ones.
 *
 * Needed beyond `--search-attribute`: on an existing database `temporal server start-dev`
 * v1.5.1 silently ignores search attributes that were not there when the database was
 * created, and silently keeps the old type on a type change.
 *
 * @returns the names that were added.
 * @throws SearchAttributeConflictError when an attribute exists with another type.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  declarations: readonly string[],
  address = 'the server',
): Promise<string[]> {
  const wanted = parseDeclarations(declarations);
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = { ...(listed.customAttributes ?? {}), ...(listed.systemAttributes ?? {}) } as Record<string, number>;
  const conflicts: { name: string; expected: string; actual: string }[] = [];
  const missing: Record<string, number> = {};
  for (const { name, type } of wanted) {
    const actual = existing[name];
    if (actual === undefined) missing[name] = INDEXED_VALUE_TYPES[type] as number;
    else if (actual !== INDEXED_VALUE_TYPES[type]) {
      conflicts.push({ name, expected: type, actual: INDEXED_VALUE_TYPE_NAMES[actual] ?? String(actual) });
    }
  }
  if (conflicts.length > 0) throw new SearchAttributeConflictError(conflicts, namespace, address);
  const names = Object.keys(missing);
  if (names.length === 0) return [];
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  // Visibility reads the registry through a cache; wait until the new names show.
  for (let attempt = 0; attempt < 50; attempt++) {
    const after = await connection.operatorService.listSearchAttributes({ namespace });
    if (names.every((name) => after.customAttributes?.[name] !== undefined)) return names;
    await sleep(200);
  }
  throw new Error(`Added search attributes ${names.join(', ')} on ${address}, but they did not appear within 10 s.`);
}

/**
 * Connect to a freshly started server at `address` and make sure the `Name=Type` search
 * attributes exist in `namespace` ({@link ensureSearchAttributes}), logging the ones added.
 */
export async function registerSearchAttributes(
  address: string,
  namespace: string,
  declarations: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    const added = await ensureSearchAttributes(connection, namespace, declarations, address);
    if (added.length > 0) log(`Registered search attributes on the dev server: ${added.join(', ')}`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
