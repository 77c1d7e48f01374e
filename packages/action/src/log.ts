import type { ActionLog } from './run.js';

/**
 * Makes text from outside (a registry's error message, a branch name, a workflow path) one log line that
 * the runner cannot take for a workflow command. The runner reads commands from every line of a step's
 * output, stdout and stderr alike: a line that starts with `::` after leading blanks (`::add-mask::`,
 * `::stop-commands::`), or that holds a legacy `##[` command anywhere.
 *
 * Characters are percent-encoded as in a URL, so `decodeURIComponent` gives the text back: `%` itself,
 * control characters (CR, LF, NEL, escape sequences…) and the line and paragraph separators, the first
 * `:` of a leading `::`, and the `[` of `##[`. Plain text is left as it is.
 *
 * @example
 * inertLogLine('404 MANIFEST_UNKNOWN: gone\n::add-mask::x');
 * // '404 MANIFEST_UNKNOWN: gone%0A::add-mask::x'
 */
export function inertLogLine(text: string): string {
  return text
    .replace(/[%\p{Cc}\u2028\u2029]/gu, (match) => encodeURIComponent(match))
    .replace(/^(\s*):(?=:)/u, '$1%3A')
    .replace(/##\[/g, '##%5B');
}

/**
 * `log`, with every message and group name made one inert line by {@link inertLogLine}: whatever a
 * payload, GitHub or a registry puts in a message reaches the runner's log as text, never as a command.
 */
export function inertLog(log: ActionLog): ActionLog {
  return {
    info: (message) => log.info(inertLogLine(message)),
    notice: (message) => log.notice(inertLogLine(message)),
    warning: (message) => log.warning(inertLogLine(message)),
    error: (message) => log.error(inertLogLine(message)),
    group: (name, fn) => log.group(inertLogLine(name), fn),
  };
}
