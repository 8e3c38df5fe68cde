// The printed results: medians, MiB/s, ratios against the targets, aligned tables.

const MiB = 1 << 20;

export const say = (line = '') => process.stdout.write(line + '\n');

/** Progress and problems, on stderr so that they stay out of the results. */
export const note = (line) => process.stderr.write(`bench: ${line}\n`);

export function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function mibPerSecond(bytes, seconds) {
  return bytes / MiB / seconds;
}

export function fixed(value, digits = 1) {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

export function mib(kib) {
  return kib ? `${(kib / 1024).toFixed(1)} MiB` : 'n/a';
}

/**
 * `ratio NAME: 1.23x (target >= 1.0) met` or a reason why there is no ratio. Without a
 * target the ratio is context: `ratio NAME: 0.48x (no target)`.
 */
export function ratioLine(name, numerator, denominator, target) {
  const head = `ratio ${name}: `;
  const goal = target === undefined ? '(no target)' : `(target >= ${target})`;
  if (numerator === undefined || denominator === undefined) return `${head}n/a (a measurement is missing, see above) ${goal}`;
  const ratio = numerator / denominator;
  if (target === undefined) return `${head}${ratio.toFixed(2)}x ${goal}`;
  return `${head}${ratio.toFixed(2)}x ${goal} ${ratio >= target ? 'met' : 'MISSED'}`;
}

/** Rows of cells → lines, every column padded to its widest cell; numbers right-aligned. */
export function table(rows) {
  const widths = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, String(cell).length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const text = String(cell);
        return /^[\d.]+( MiB)?$|^n\/a$/.test(text) && i > 0 ? text.padStart(widths[i]) : text.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd(),
  );
}

export function printReport({ config, file, smallFile, m, all, info, elapsedS }) {
  const rate = (e) => (e.status === 'ok' && e.samples.length > 0 ? mibPerSecond(file.size, median(e.samples)) : undefined);
  /** From the tool's own clock: connecting to the last byte, without starting the process. */
  const ownRate = (e) => (e.status === 'ok' && e.toolSamples.length > 0 ? mibPerSecond(file.size, median(e.toolSamples)) : undefined);
  say();
  say(`== throughput: ${config.sizeMiB} MiB, MiB/s from wall time (process start to exit), median of ${config.runs} ==`);
  const rows = [['method', 'median', 'min', 'max', 'runs']];
  for (const e of all) {
    if (e.status !== 'ok') {
      rows.push([e.label, e.status.toUpperCase(), '', '', '']);
      continue;
    }
    const rates = e.samples.map((s) => mibPerSecond(file.size, s));
    rows.push([e.label, fixed(rate(e)), fixed(Math.min(...rates)), fixed(Math.max(...rates)), rates.map((r) => fixed(r)).join(' ')]);
  }
  for (const line of table(rows)) say(`  ${line}`);

  say();
  say('what each figure measures (every contender reads the same page-cached file on 127.0.0.1):');
  for (const e of all) say(`  ${e.label}: ${e.measures}`);
  const medianRate = (samples) => fixed(mibPerSecond(file.size, median(samples)));
  if (info.curlCipher) {
    say(`  openssl+curl negotiated ${info.curlCipher}; curl's own time_total gives ${medianRate(m.curl.toolSamples)} MiB/s (no process start)`);
  }
  if (info.sshVersion) say(`  scp: ${info.sshVersion}, default cipher ${info.scpCipher ?? 'unknown'}`);
  if (m.scp.durableSamples.length > 0) {
    say(`  scp followed by a system-wide \`sync\` (as durable as pss's fsync): ${medianRate(m.scp.durableSamples)} MiB/s (context only)`);
  }
  if (info.pssCipher) say(`  pss main port negotiated ${info.pssCipher}`);
  if (m.curl.serverCpuSamples.length > 0 && m.mainPort.serverCpuSamples.length > 0) {
    const perGiB = (c) => median(c.serverCpuSamples) / (file.size / 2 ** 30);
    say(`  server CPU per GiB sent (user + system): openssl s_server ${perGiB(m.curl).toFixed(2)} s, pss main port ${perGiB(m.mainPort).toFixed(2)} s`);
    say(`    = the main port needs ${(perGiB(m.mainPort) / perGiB(m.curl)).toFixed(2)}x the CPU of the raw TLS server for the same bytes`);
  }
  if (m.mainPort.toolSamples.length > 0) {
    say(`  bare main-port reader's own time (connect to last byte): ${medianRate(m.mainPort.toolSamples)} MiB/s (no process start)`);
  }
  say('  untimed first download per method: checks the result (pss: SHA-256 of the delivered bytes vs the source) and warms up');

  say();
  say('== ratios ==');
  say(ratioLine('pss-get/scp (to disk)', rate(m.pssDisk), rate(m.scp), '1.0'));
  say('    pss get --out on disk (.part, fsync, verified, renamed) vs scp into the same file system');
  say(ratioLine('main port/openssl+curl (raw stream, both to /dev/null, connect to last byte)', ownRate(m.mainPort), ownRate(m.curl), '0.85'));
  say('    main port read by a bare protocol client that drops the bytes vs curl -o /dev/null, each timed by its own clock');
  const wall = rate(m.mainPort) !== undefined && rate(m.curl) !== undefined ? `${(rate(m.mainPort) / rate(m.curl)).toFixed(2)}x` : 'n/a';
  say(`    from process start instead: ${wall} (the reader is a Node script: starting Node is not the port's time)`);
  say(ratioLine('pss get/openssl+curl (verified stream, both to /dev/null)', rate(m.pssNull), rate(m.curl)));
  say('    pss get --stdout > /dev/null (SHA-256 checked) vs curl -o /dev/null: what verifying costs');
  say(ratioLine('pss/openssl+curl (pss file on tmpfs, verified+renamed)', rate(m.pssTmpfs), rate(m.curl)));
  say('    pss get --out into tmpfs vs curl -o /dev/null: verifying and writing, without the disk');

  say();
  say(`== pss peak resident memory (VmHWM/VmRSS, sampled every 20 ms): ${config.smallMiB} MiB vs ${config.sizeMiB} MiB file ==`);
  const memRows = [['process', `${smallFile.size / (1 << 20)} MiB file`, `${file.size / (1 << 20)} MiB file`]];
  const pss = [m.pssDisk, m.pssTmpfs, m.pssNull].filter((e) => e.small);
  const maxOf = (values) => (values.length > 0 ? Math.max(...values) : undefined);
  if (pss.length > 0) {
    memRows.push(['pss serve (peak during one download)', mib(maxOf(pss.map((e) => e.small.server))), mib(maxOf(pss.flatMap((e) => e.serverPeaks)))]);
    for (const e of pss) memRows.push([`client: ${e.label}`, mib(e.small.client), mib(maxOf(e.clientPeaks))]);
    for (const line of table(memRows)) say(`  ${line}`);
  } else {
    say('  n/a (no pss download ran)');
  }

  const problems = all.filter((e) => e.status !== 'ok');
  if (problems.length > 0) {
    say();
    for (const e of problems) say(`${e.status === 'failed' ? 'FAILED' : 'skipped'}: ${e.label}: ${e.reason}`);
  }
  say();
  say(`done in ${Math.round(elapsedS)} s`);
}
