export const MAIN_HELP = `tributary: sync data from sources to destinations

usage: tributary <command> [options]

commands:
  sync [file]                run the syncs of tributary.yaml (default ./tributary.yaml)
  spec|check|discover|read   one connector of a sync, or a connector package alone
  state show [SYNC]          the stored state of each stream
  state reset SYNC [STREAM]  forget state so the next run starts over
  runs [SYNC]                run history
  help [COMMAND]             this help, or a command's

Run 'tributary <command> --help' for a command's options.
exit codes: 0 ok, 1 a sync failed, 2 bad config or usage, 130 interrupted (Ctrl-C),
  141 stdout closed (| head), 143 SIGTERM
`;

export const SYNC_HELP = `usage: tributary sync [file] [options]

Runs the syncs of a tributary.yaml (default ./tributary.yaml), one after the other.

options:
  --sync NAME       run only this sync
  --streams a,b     run only these streams of the sync
  --json            one JSON object per event on stdout (structured log)
  --verbose, -v     show info logs and stacks
  --help, -h        this help

Ctrl-C stops the run cleanly: what was committed stays, with its state (exit 130).
`;

export const CONNECTOR_HELP = `usage:
  tributary spec|check|discover|read [file] --sync NAME [--source | --destination]
  tributary spec|check|discover|read --package PKG [--config FILE]

Runs one method of one connector, of a sync in tributary.yaml or of a package alone.
'read' (sources only) prints the source's messages as JSON lines, from the start
(no state), for the sync's streams, or every discovered stream with --package.

options:
  --sync NAME       the sync of tributary.yaml (optional when it holds one)
  --source          its source connector (the default)
  --destination     its destination connector (spec and check only)
  --file, -f FILE   tributary.yaml (default ./tributary.yaml, or the [file] argument)
  --package PKG     a connector package alone: npm name, package folder or file
  --config FILE     with --package: its config, JSON or YAML (\${env:NAME} filled in)
  --verbose, -v     show info logs and stacks
  --help, -h        this help
`;

export const STATE_HELP = `usage:
  tributary state show [SYNC] [--file FILE] [--json]
  tributary state reset SYNC [STREAM] [--file FILE]

show: the state the engine keeps for each stream, with its generation and sequence.
reset: forgets the state of a sync, or of one stream, in the engine and in the destination;
       the next run reads from the start.

Run 'tributary state show --help' or 'tributary state reset --help' for their options.
`;

export const STATE_SHOW_HELP = `usage: tributary state show [SYNC] [--file FILE] [--json]

The state the engine keeps for each stream (of every sync, or of SYNC), with its
generation and sequence.

options:
  --file, -f FILE   tributary.yaml (default ./tributary.yaml); its state.path is used
  --json            machine-readable output
  --help, -h        this help
`;

export const STATE_RESET_HELP = `usage: tributary state reset SYNC [STREAM] [--file FILE]

Forgets the state of SYNC, or of its stream STREAM, in the engine and in the destination:
the next run reads from the start.

options:
  --file, -f FILE   tributary.yaml (default ./tributary.yaml); its state.path is used
  --help, -h        this help
`;

export const RUNS_HELP = `usage: tributary runs [SYNC] [--file FILE] [--limit N] [--json]

Run history, newest first: start, end, status, records per stream, the error if any.

options:
  --file, -f FILE   tributary.yaml (default ./tributary.yaml); its state.path is used
  --limit N         how many runs (default 20)
  --json            machine-readable output
  --help, -h        this help
`;
