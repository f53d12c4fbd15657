// Sizes as people write them in settings and on the command line: 12884901888, 12G, 8192M, 1.5GiB.

export type ByteSize = { readonly bytes: number; readonly problem?: undefined } | { readonly bytes?: undefined; readonly problem: string };

/** Binary units (K = 1024), as `free -h` and cgroup files mean them; `name` is what the message calls the value. */
export function parseByteSize(raw: string, name: string): ByteSize {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(raw);
  if (!match) return { problem: `${name} must be a size in bytes such as 12884901888 or 12G (got "${raw}")` };
  const power = ' kmgt'.indexOf(match[2].toLowerCase() || ' ');
  const bytes = Number(match[1]) * 1024 ** power;
  if (!(bytes > 0)) return { problem: `${name} must be more than zero` };
  return { bytes: Math.round(bytes) };
}
