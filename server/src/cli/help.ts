import type { Locale } from '../core/l10n/locale';

// The dispatcher's own words, in the languages the command bundles speak. They stay here, not in
// the catalogs: `isola help` loads nothing but the dispatcher (8.5 KB of text in both languages).
const HELP = `Usage: isola <command> [options]

Commands:
  init [DIR] [--kind workspace|module|app|solution|configuration] [--code CODE] [--title T]
       [--languages en,ru]
                     start a project in DIR (default .): isola.config.json, a first manifest,
                     .gitignore entries and a CI workflow; never overwrites a file
  check [DIR] [--format text|json|sarif] [--builtins FILE] [--package CODE [--kind KIND]]
        [--explain CODE@FILE:LINE]
                     check every *.isola.json under DIR (default .) for isolation problems;
                     --package: only that package, alone, as its build checks it
                     --explain CODE@FILE:LINE: the path from the package's root to what that
                     finding's reference names
  graph [DIR] --package CODE [--kind KIND] [--level namespace|entity] [--format dot|mermaid|json|svg]
                     draw a package's references: outside nodes, edges that break isolation in red
  build [DIR] --package CODE [--kind KIND] [--out FILE] [--force] [--title T] [--comment C]
        [--data none|all|APP,...] [--design all|none]
                     build a package (refused while isolation errors stand); --out replaces only
                     a package unless --force, and never a file the build reads
  inspect FILE [--format text|json]
                     print a package's descriptor, import steps and entries (verified)
  import FILE [--env NAME] [--dry-run] [--on-conflict cancel|replace] [--as CODE] [--format text|json]
         [--design all|none] [--data none|all|APP,...] [--confirm NAME]
                     check a package against an environment, print the plan, then import what
                     was chosen (default: all of it); a production environment needs --confirm NAME
  export --package CODE [--kind namespace|app|solution|configuration] [--env NAME] --out FILE
         [--force] [--data none|all|APP,...] [--design all|none]
                     export from an environment into a package file; --out replaces only a
                     package unless --force
  unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]
                     write a package's entities as manifests into DIR (default .), editing the
                     manifests already there in place; --force replaces files that are not Isola's
                     and writes a unit beside an unreadable manifest of it
  retrieve --package CODE [--kind namespace|app|solution|configuration] [--env NAME] [--dir DIR]
           [--data none|all|APP,...] [--dry-run] [--force] [--format text|json]
                     export from an environment and unpack the package into DIR
  env serve [--data DIR] [--port N] [--host ADDR] [--database URL] [--name NAME]
                     run an environment service (HTTP + JSON, bearer tokens)
  lsp --stdio        run the language server on stdin/stdout (for editors other than VS Code)
  help               show this help

Environments are named in isola.config.json; "local" (embedded, in .isola/local) always exists.
A token for environment NAME is read from $ISOLA_TOKEN_NAME, never from a file.

Messages in English or Russian: --lang en|ru with any command, else LC_ALL, LC_MESSAGES or LANG
(ru_RU.UTF-8: Russian); codes and JSON/SARIF keys are the same in both.

Exit status: 0 fine, 1 findings or a refused operation, 2 bad usage or bad input.
`;

const HELP_RU = `Использование: isola <команда> [параметры]

Команды:
  init [DIR] [--kind workspace|module|app|solution|configuration] [--code CODE] [--title T]
       [--languages en,ru]
                     начать проект в DIR (по умолчанию .): isola.config.json, первый манифест,
                     строки .gitignore и workflow для CI; существующие файлы не перезаписываются
  check [DIR] [--format text|json|sarif] [--builtins FILE] [--package CODE [--kind KIND]]
        [--explain CODE@FILE:LINE]
                     проверить изоляцию всех *.isola.json в DIR (по умолчанию .);
                     --package: только этот пакет, отдельно, как его проверяет сборка
                     --explain CODE@FILE:LINE: путь от корня пакета до того, на что ссылается
                     это замечание
  graph [DIR] --package CODE [--kind KIND] [--level namespace|entity] [--format dot|mermaid|json|svg]
                     нарисовать ссылки пакета: внешние узлы, ребра, нарушающие изоляцию, красным
  build [DIR] --package CODE [--kind KIND] [--out FILE] [--force] [--title T] [--comment C]
        [--data none|all|APP,...] [--design all|none]
                     собрать пакет (отказ, пока есть ошибки изоляции); --out заменяет только пакет,
                     иное лишь с --force, и никогда файл, который читает сборка
  inspect FILE [--format text|json]
                     показать описание пакета, шаги импорта и элементы архива (с проверкой)
  import FILE [--env NAME] [--dry-run] [--on-conflict cancel|replace] [--as CODE] [--format text|json]
         [--design all|none] [--data none|all|APP,...] [--confirm NAME]
                     проверить пакет против окружения, показать план и импортировать выбранное
                     (по умолчанию всё); для рабочего (production) окружения нужен --confirm NAME
  export --package CODE [--kind namespace|app|solution|configuration] [--env NAME] --out FILE
         [--force] [--data none|all|APP,...] [--design all|none]
                     экспортировать из окружения в файл пакета; --out заменяет только пакет,
                     иное лишь с --force
  unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]
                     записать объекты пакета манифестами в DIR (по умолчанию .), правя уже
                     существующие манифесты на месте; --force заменяет файлы, созданные не Isola,
                     и пишет единицу рядом с её нечитаемым манифестом
  retrieve --package CODE [--kind namespace|app|solution|configuration] [--env NAME] [--dir DIR]
           [--data none|all|APP,...] [--dry-run] [--force] [--format text|json]
                     экспортировать из окружения и распаковать пакет в DIR
  env serve [--data DIR] [--port N] [--host ADDR] [--database URL] [--name NAME]
                     запустить сервис окружения (HTTP + JSON, токены Bearer)
  lsp --stdio        запустить языковой сервер на stdin/stdout (для редакторов, кроме VS Code)
  help               показать эту справку

Окружения называются в isola.config.json; "local" (встроенное, в .isola/local) есть всегда.
Токен окружения NAME читается из $ISOLA_TOKEN_NAME и никогда из файла.

Сообщения на английском или русском: --lang en|ru с любой командой, иначе LC_ALL, LC_MESSAGES
или LANG (ru_RU.UTF-8: русский); коды и ключи JSON/SARIF одинаковы на обоих языках.

Код выхода: 0 всё в порядке, 1 есть замечания или операция отклонена, 2 неверный вызов или ввод.
`;

/** `isola help` in a language. */
export function helpText(locale: Locale | undefined): string {
  return locale === 'ru' ? HELP_RU : HELP;
}

/**
 * What the dispatcher says on stderr when no command is given, after the help on stdout (as git
 * and npm print their usage there): the exit status 2 comes with its one-line reason.
 */
export function noCommand(locale: Locale | undefined): string {
  return locale === 'ru'
    ? 'isola: не указана команда (isola <команда>; список: isola help)\n'
    : 'isola: no command given (isola <command>; the list: isola help)\n';
}

/** What the dispatcher says of a command it does not know. */
export function unknownCommand(command: string, locale: Locale | undefined): string {
  return locale === 'ru'
    ? `isola: неизвестная команда "${command}" (см. isola help)\n`
    : `isola: unknown command "${command}" (try: isola help)\n`;
}
