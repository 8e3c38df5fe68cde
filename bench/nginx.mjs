// Baseline for the web port: nginx serving the same file over HTTPS on 127.0.0.1, as an
// unprivileged process with its own prefix and configuration in a temp dir, TLS 1.3 only,
// the same certificate and the same cipher order as the web port (AES-128-GCM first), one
// worker (the web port is one thread too). `sendfile on` is set, but with TLS nginx
// encrypts in user space like Node does (kernel TLS is not enabled), so both sides pay
// for a read, an encryption and a socket write.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForPort } from './fixtures.mjs';
import { startServer } from './processes.mjs';

const START_TIMEOUT_MS = 15_000;

export async function startNginx({ servedDir, workDir, certFile, keyFile }) {
  const prefix = join(workDir, 'nginx');
  for (const dir of ['logs', 'tmp']) mkdirSync(join(prefix, dir), { recursive: true });
  const port = await freePort();
  const temp = (name) => join(prefix, 'tmp', name);
  const conf = join(prefix, 'nginx.conf');
  // nginx started by root drops to "nobody", which could not read the cached test file.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(
    conf,
    `${user}daemon off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  sendfile on;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certFile};
    ssl_certificate_key ${keyFile};
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
    ssl_prefer_server_ciphers on;
    root ${servedDir};
  }
}
`,
  );
  const server = startServer('nginx', ['-p', prefix, '-c', conf, '-e', join(prefix, 'logs', 'error.log')]);
  await waitForPort(port, server, START_TIMEOUT_MS);
  return { port, server };
}
