// Baseline (a): the raw TLS 1.3 stream of `openssl s_server -WWW`, received by curl into
// /dev/null. Nothing is written to disk and nothing is hashed: the most a TLS stream on
// this machine can do with stock tools.
import { join } from 'node:path';
import { freePort, waitForPort } from './fixtures.mjs';
import { MeasurementError, runChecked, startServer } from './processes.mjs';

const START_TIMEOUT_MS = 15_000;

export async function startOpenSsl({ servedDir, workDir }) {
  const cert = join(workDir, 'openssl-cert.pem');
  const key = join(workDir, 'openssl-key.pem');
  // ECDSA P-256, the same kind of certificate pss uses.
  await runChecked(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1'].concat([
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { timeoutMs: START_TIMEOUT_MS },
  );
  const port = await freePort();
  // -WWW serves paths relative to the working directory. The cipher is the one the main
  // port prefers (AES-128-GCM), so both streams pay the same for encryption.
  const args = ['s_server', '-WWW', '-accept', `127.0.0.1:${port}`, '-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256', '-cert', cert, '-key', key, '-quiet'];
  const server = startServer('openssl', args, { cwd: servedDir });
  await waitForPort(port, server, START_TIMEOUT_MS);
  return { port, server };
}

/**
 * One download to /dev/null. `probe` adds -v to learn the negotiated cipher (use it on
 * an untimed run only). Returns wall time (spawn to exit) and curl's own time_total.
 */
export async function curlOnce({ port, file, timeoutMs, probe = false }) {
  const args = ['-sSk', '--noproxy', '*', '--tlsv1.3', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', `https://127.0.0.1:${port}/${file.name}`];
  const result = await runChecked('curl', probe ? ['-v', ...args] : args, { timeoutMs });
  const [bytes, seconds] = result.stdout.trim().split(' ').map(Number);
  // s_server answers a bad path with a short error page, so the size is the real check.
  if (bytes !== file.size) throw new MeasurementError(`curl received ${bytes} bytes, expected ${file.size}`);
  const cipher = /SSL connection using (\S+ \/ \S+)/.exec(result.stderr)?.[1];
  return { seconds: result.elapsedMs / 1000, toolSeconds: seconds, bytes, cipher };
}
