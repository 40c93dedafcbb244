import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Partition maths may run inside Temporal workflows: no clock, no I/O, no Node built-ins, no
 * randomness. `now` always comes in through the PartitionContext.
 */
const dir = path.join(__dirname, '../../sdk/partitions');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('sdk/partitions is pure', () => {
  test.each(files)('%s', (file) => {
    const source = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(source).not.toMatch(/Date\.now\(/);
    expect(source).not.toMatch(/new Date\(\s*\)/);
    expect(source).not.toMatch(/Math\.random\(/);
    expect(source).not.toMatch(/process\./);
    expect(source).not.toMatch(/require\(/);
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    for (const spec of imports) expect(spec === 'luxon' || spec.startsWith('./') || spec === '../errors' || spec === '../suggest').toBe(true);
  });
});
