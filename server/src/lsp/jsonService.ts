import { getLanguageService, LanguageService, TextDocument as JsonTextDocument } from 'vscode-json-languageservice';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { nestsDeeperThan } from '../core/json/depth';
import { MANIFEST_SCHEMAS } from '../core/schema/validate';

const BASE = 'https://isola.dev/schemas/';

let service: LanguageService | undefined;

/**
 * vscode-json-languageservice over the schemas in `schemas/`, for what schemas do well:
 * property and value completion and hover descriptions. Validation stays with the core (MAN002),
 * so there is one source of findings. Every schema is registered under its `$id`, so the
 * absolute `$ref`s resolve offline.
 */
export function jsonService(): LanguageService {
  if (!service) {
    service = getLanguageService({ schemaRequestService: (uri) => Promise.reject(`Isola serves its schemas itself: ${uri}`) });
    service.configure({
      validate: false,
      allowComments: true,
      schemas: Object.entries(MANIFEST_SCHEMAS).map(([name, schema]) => ({
        uri: BASE + name,
        schema,
        fileMatch: name === 'manifest.schema.json' ? ['*.isola.json'] : undefined,
      })),
    });
  }
  return service;
}

/**
 * The document as the JSON service sees it: same text, with a file name it matches to the schema.
 * Undefined for text nested deeper than the core reads (MAN002 reports it): the service's parser
 * recurses once per level and would run out of stack.
 */
export function asJsonDocument(doc: TextDocument): JsonTextDocument | undefined {
  const text = doc.getText();
  if (nestsDeeperThan(text)) return undefined;
  const uri = doc.uri.endsWith('.isola.json') ? doc.uri : `${doc.uri}.isola.json`;
  return JsonTextDocument.create(uri, 'jsonc', doc.version, text);
}
