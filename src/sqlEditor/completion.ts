import {
  autocompletion,
  Completion,
  CompletionContext,
  CompletionResult,
  CompletionSource
} from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';

import type { ISqlCompletion } from '../sqlTypes';

/**
 * Asks the server for completions of a text at an offset; null when there
 * is nothing to ask (no cluster chosen, say).
 */
export type SqlCompleter = (
  text: string,
  cursor: number
) => Promise<ISqlCompletion | null>;

/**
 * The CodeMirror completion kinds (their icons) of the server's kinds.
 */
export function completionType(kind: string): string {
  switch (kind) {
    case 'catalog':
    case 'schema':
      return 'namespace';
    case 'table':
    case 'view':
    case 'temp_view':
      return 'class';
    case 'column':
      return 'property';
    case 'function':
      return 'function';
    case 'keyword':
      return 'keyword';
    default:
      return 'variable';
  }
}

/**
 * A completion source over `sql/complete`: catalogs, schemas, tables and
 * columns from the server's catalog cache. It asks while a word or a
 * dotted name is typed, or when completion is asked for (Ctrl-Space).
 */
export function sqlCompletionSource(complete: SqlCompleter): CompletionSource {
  return async (
    context: CompletionContext
  ): Promise<CompletionResult | null> => {
    const word = context.matchBefore(/[\w`.]+$/);
    if (!context.explicit && !word) {
      return null;
    }
    let answer: ISqlCompletion | null;
    try {
      answer = await complete(context.state.doc.toString(), context.pos);
    } catch {
      // Completion is a help: a failure shows nothing rather than an error.
      return null;
    }
    if (!answer || context.aborted || !answer.matches.length) {
      return null;
    }
    const options: Completion[] = answer.matches.map(match => ({
      label: match.label,
      type: completionType(match.kind),
      detail: match.kind
    }));
    return {
      from: answer.from,
      to: answer.to,
      options,
      validFor: /^[\w`]*$/
    };
  };
}

/**
 * The editor's completion: only the server's source (the Spark SQL
 * language's keyword completion is left out: the server answers those).
 */
export function sqlCompletion(complete: SqlCompleter): Extension {
  return autocompletion({
    override: [sqlCompletionSource(complete)],
    activateOnTyping: true,
    // The kind is written beside each name; CodeMirror's icons are emoji
    // that many systems draw as empty boxes.
    icons: false
  });
}
