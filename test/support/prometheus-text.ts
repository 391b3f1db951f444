/** One sample of the Prometheus text exposition format (https://prometheus.io/docs/instrumenting/exposition_formats/). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` per metric family. */
  types: Map<string, string>;
  /** `# HELP` per metric family. */
  help: Map<string, string>;
  /** The one sample of `name` whose labels include all of `labels`; throws when there is not exactly one. */
  value(name: string, labels?: Record<string, string>): number;
  /** Sum over the samples of `name` whose labels include all of `labels` (0 when none). */
  sum(name: string, labels?: Record<string, string>): number;
  /** Every value `label` takes among the samples of `name`. */
  labelValues(name: string, label: string): string[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

/** Parses the text a `/metrics` endpoint served; a line that is not valid exposition text fails the parse. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      types.set(name as string, type as string);
      continue;
    }
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      help.set(rest.slice(0, rest.indexOf(' ')), rest.slice(rest.indexOf(' ') + 1));
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const body = match[2] ?? '';
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let label = LABEL.exec(body); label !== null; label = LABEL.exec(body)) {
      labels[label[1] as string] = (label[2] as string).replace(/\\(.)/g, (_all, character: string) => (character === 'n' ? '\n' : character));
      consumed = LABEL.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    const raw = match[3] as string;
    const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? Number.NEGATIVE_INFINITY : Number(raw);
    // Prometheus parses values with Go's ParseFloat, which takes NaN in any case (prom-client writes `Nan`).
    if (Number.isNaN(value) && raw.toLowerCase() !== 'nan') throw new Error(`bad value in ${JSON.stringify(line)}`);
    samples.push({ name: match[1] as string, labels, value });
  }
  const matching = (name: string, labels: Record<string, string>): Sample[] =>
    samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return {
    samples,
    types,
    help,
    value(name, labels = {}) {
      const found = matching(name, labels);
      if (found.length !== 1) throw new Error(`expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}: ${JSON.stringify(found)}`);
      return (found[0] as Sample).value;
    },
    sum: (name, labels = {}) => matching(name, labels).reduce((total, sample) => total + sample.value, 0),
    labelValues: (name, label) => [...new Set(samples.filter((sample) => sample.name === name).map((sample) => sample.labels[label] ?? ''))],
  };
}
