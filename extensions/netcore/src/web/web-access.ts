// What the administrator gives a phone user: the web page's address on each LAN address,
// and a QR code of it that also carries the certificate fingerprint (in the fragment,
// which the browser never sends), so the user can compare it with the certificate the
// browser shows.
import { toString as qrToString } from 'qrcode';
import type { WebAccessInfo } from '../contract';

function webUrl(host: string, port: number): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return `https://${name}:${port}/`;
}

export async function webAccessFor(hosts: readonly string[], port: number, fingerprint: string): Promise<WebAccessInfo[]> {
  return Promise.all(
    hosts.map(async (host) => {
      const url = webUrl(host, port);
      const qrText = `${url}#sha256=${fingerprint}`;
      const qrSvg = await new Promise<string>((resolve, reject) =>
        qrToString(qrText, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }, (err, svg) => (err ? reject(err) : resolve(svg))),
      );
      return { url, qrText, qrSvg };
    }),
  );
}
