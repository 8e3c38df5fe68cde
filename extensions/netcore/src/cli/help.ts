// The text of `pss --help` and `pss <command> --help`.

export const MAIN_HELP = `pss — Pro Secure Suite: secure LAN file sharing over TLS

Usage:
  pss serve <path> [options]             share a folder (recursively) or one file
  pss list <host[:port]> [options]       list what a server shares
  pss get <host[:port]> [paths…] [options]
                                         download files, resuming partial ones
  pss forget <host[:port]> [options]     drop a server's pinned certificate
  pss <command> --help                   options of one command

Every connection is TLS 1.3 with the server's self-signed certificate. Clients pin
that certificate on first use: an unknown server needs --fingerprint or --trust-new,
and a known server showing another certificate is refused.

Exit status: 0 on success, 2 for a usage error, 1 for any other failure.
`;

const DATA_DIR = `  --data-dir DIR          where certificates, pins and settings live
                          (default: $PSS_DATA_DIR, a data/ folder beside the app,
                          or the OS config folder)`;

const CLIENT_TRUST = `  --password-env VAR      read the server password from environment variable VAR
  --fingerprint FP        trust the server only if its certificate has this SHA-256
                          fingerprint (AB:CD:… with or without colons)
  --trust-new             pin an unknown server's certificate without asking
                          (a changed certificate is refused all the same)`;

export const COMMAND_HELP: Record<string, string> = {
  serve: `Usage: pss serve <path> [options]

Shares a folder (recursively) or a single file until Ctrl+C / SIGTERM.
Prints the addresses, ports and the certificate fingerprint to give to clients.

Options:
  --port N                main port (default 5000; 0 picks a free port)
  --web-port N            HTTPS port for browsers (default: the main port + 2;
                          0 picks a free port)
  --max-clients N         most clients connected at once (default 10)
  --password-env VAR      require the password held in environment variable VAR
  --bind ADDR             address to listen on (default 0.0.0.0, all interfaces)
${DATA_DIR}
  --json                  print one JSON object per line: first
                          {"event":"ready","mainPort":…,"chatPort":…,"webPort":…,
                          "fingerprint":"AB:CD:…"}, then {"event":"log",…} entries
  -h, --help              this help

Example:
  PSS_PASSWORD=secret pss serve ~/Shared --password-env PSS_PASSWORD --max-clients 5
`,
  list: `Usage: pss list <host[:port]> [options]

Lists the files a server shares, with sizes and modification times.

Options:
${CLIENT_TRUST}
${DATA_DIR}
  --json                  print {"share":…,"entries":[{"path","size","mtimeMs"}…]}
  -h, --help              this help

Example:
  pss list 192.168.1.20 --fingerprint 3A:7F:…
`,
  get: `Usage: pss get <host[:port]> [paths…] [options]

Downloads the named files (a folder name takes everything below it), or all with
--all. Each file is written as name.part, checked against the server's size and
SHA-256, then renamed into place. Running the same command again after an
interruption resumes the partial files; finished files are skipped.

Options:
  --all                   download every shared file
  --out DIR               destination folder (default: the current folder)
  --subfolder NAME        put the files in a new sub-folder NAME of --out
  --stdout                write the one named file to standard output instead
                          (checked all the same; nothing is resumed)
${CLIENT_TRUST}
${DATA_DIR}
  --json                  print one JSON object per file and a summary, no bar
  -h, --help              this help

Examples:
  pss get 192.168.1.20 --all --out ~/Downloads --trust-new
  pss get 192.168.1.20:6000 "Photos/2024" notes.txt --subfolder from-laptop
`,
  forget: `Usage: pss forget <host[:port]> [options]

Removes the pinned certificate of a server, so that the next connection asks
again. Do this only when you know why the server's certificate changed.

Options:
${DATA_DIR}
  -h, --help              this help
`,
};
