// Windows gives a process's command line as one string: split it into argv the way the C runtime does.

/**
 * The rules of Microsoft's "Parsing C command-line arguments" (the same as CommandLineToArgvW): arguments are split on
 * spaces and tabs; double quotes group; 2n backslashes before a quote give n backslashes and the quote groups, 2n+1
 * give n backslashes and a literal quote; other backslashes are literal; `""` inside a quoted part is a literal quote.
 * The program name (argv[0]) ends at the closing quote or the first space, with no escapes.
 */
export function splitWindowsCommandLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
  if (i >= n) return out;
  if (line[i] === '"') {
    const close = line.indexOf('"', i + 1);
    out.push(close < 0 ? line.slice(i + 1) : line.slice(i + 1, close));
    i = close < 0 ? n : close + 1;
  } else {
    let j = i;
    while (j < n && line[j] !== ' ' && line[j] !== '\t') j++;
    out.push(line.slice(i, j));
    i = j;
  }
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) return out;
    let arg = '';
    let quoted = false;
    while (i < n && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      const c = line[i]!;
      if (c === '\\') {
        let slashes = 0;
        while (line[i] === '\\') {
          slashes++;
          i++;
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(slashes / 2));
          if (slashes % 2 === 1) {
            arg += '"';
            i++;
          }
        } else arg += '\\'.repeat(slashes);
      } else if (c === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        arg += c;
        i++;
      }
    }
    out.push(arg);
  }
}
