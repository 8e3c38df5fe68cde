// `pss`: the command line over the same engine the desktop app uses.
import { ErrorCode, PssError } from './errors';
import { forgetCommand } from './cli/forget';
import { getCommand } from './cli/get';
import { COMMAND_HELP, MAIN_HELP } from './cli/help';
import { listCommand } from './cli/list';
import { serveCommand } from './cli/serve';
import { PRODUCT_VERSION } from './constants';
import { out } from './cli/output';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  serve: serveCommand,
  list: listCommand,
  get: getCommand,
  forget: forgetCommand,
};

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    out(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    out(`pss ${PRODUCT_VERSION}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`pss: unknown command "${command}"; see pss --help\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(COMMAND_HELP[command]!);
    return 0;
  }
  try {
    return await run(rest);
  } catch (err) {
    const e = err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, String((err as Error)?.stack ?? err));
    process.stderr.write(`pss: ${e.message} [${e.code}]\n`);
    return e.code === ErrorCode.BAD_ARGUMENT ? 2 : 1;
  }
}
