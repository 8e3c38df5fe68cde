// A bare main-port client for the benchmark, written from PROTOCOL.md alone: TLS 1.3, the
// fingerprint compared before the first frame (§3.1), HELLO, one DOWNLOAD_FILES, and every
// DATA byte counted and dropped, the way `curl -o /dev/null` treats the raw TLS stream. Like
// curl, it reads into one reused buffer (tls.connect's `onread`) rather than a fresh one per
// TLS record. It measures what the main port can deliver, apart from what `pss get` then
// does with the bytes (hashing, writing, renaming).
//
//   node bench/main-port-reader.mjs <port> <fingerprint256> <path>
//
// Prints one JSON line: {"bytes":…, "seconds":…, "cipher":"…"}; exits non-zero on any
// protocol error or when the byte count differs from the announced size.
import { connect } from 'node:tls';

const CONTROL = 0x01;
const DATA = 0x02;
const MAX_FRAME_BYTES = 1 << 20;
const TIMEOUT_MS = 120_000;

const [port, fingerprint, path] = process.argv.slice(2);
if (!port || !fingerprint || !path) {
  process.stderr.write('usage: main-port-reader.mjs <port> <fingerprint256> <path>\n');
  process.exit(2);
}

function frame(message) {
  const payload = Buffer.from(JSON.stringify(message));
  const header = Buffer.alloc(5);
  header[0] = CONTROL;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

function fail(message) {
  process.stderr.write(`main-port-reader: ${message}\n`);
  process.exit(1);
}

const started = process.hrtime.bigint();
const onread = { buffer: Buffer.allocUnsafe(64 * 1024), callback: (n, buffer) => void onChunk(buffer.subarray(0, n)) };
const socket = connect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false, minVersion: 'TLSv1.3', onread });
socket.setTimeout(TIMEOUT_MS, () => fail('timed out'));
socket.on('error', (err) => fail(err.message));

// The decoder: a header, then the payload, which for DATA is counted as it arrives.
let header = Buffer.alloc(0);
let remaining = 0;
let kind = 0;
let control = [];
let dataBytes = 0;
let announced = -1;
let phase = 'welcome';

socket.once('secureConnect', () => {
  if (socket.getPeerCertificate().fingerprint256 !== fingerprint) fail('the certificate fingerprint does not match');
  socket.write(frame({ type: 'HELLO', version: 1, client: 'main-port-reader', name: 'bench' }));
});

// `chunk` is a view of the reused buffer: whatever is kept is copied.
function onChunk(chunk) {
  let pos = 0;
  while (pos < chunk.length) {
    if (remaining === 0 && kind === 0) {
      const need = 5 - header.length;
      header = Buffer.concat([header, chunk.subarray(pos, pos + need)]);
      pos += Math.min(need, chunk.length - pos);
      if (header.length < 5) return;
      kind = header[0];
      remaining = header.readUInt32BE(1);
      header = Buffer.alloc(0);
      if ((kind !== CONTROL && kind !== DATA) || remaining > MAX_FRAME_BYTES) fail(`bad frame header (type ${kind}, length ${remaining})`);
      if (remaining === 0) {
        if (kind === CONTROL) fail('empty CONTROL frame');
        kind = 0;
      }
      continue;
    }
    const take = Math.min(remaining, chunk.length - pos);
    if (kind === DATA) dataBytes += take;
    else control.push(Buffer.from(chunk.subarray(pos, pos + take)));
    pos += take;
    remaining -= take;
    if (remaining === 0) {
      if (kind === CONTROL) onControl(JSON.parse(Buffer.concat(control).toString('utf8')));
      control = [];
      kind = 0;
    }
  }
}

function onControl(m) {
  if (m.type === 'ERROR') fail(`${m.code}: ${m.message}`);
  if (phase === 'welcome') {
    if (m.type !== 'WELCOME' || m.auth !== 'none') fail(`expected WELCOME without a password, got ${JSON.stringify(m)}`);
    phase = 'download';
    socket.write(frame({ type: 'DOWNLOAD_FILES', files: [{ path, offset: 0 }] }));
    return;
  }
  if (m.type === 'FILE_BEGIN') announced = m.size;
  else if (m.type === 'FILE_ERROR') fail(`${m.code}: ${m.message}`);
  else if (m.type === 'DOWNLOAD_DONE') {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (dataBytes !== announced) fail(`received ${dataBytes} bytes of ${announced}`);
    const cipher = `${socket.getProtocol()} / ${socket.getCipher().standardName}`;
    socket.end(frame({ type: 'BYE' }));
    process.stdout.write(JSON.stringify({ bytes: dataBytes, seconds, cipher }) + '\n');
    process.exit(0);
  }
}
