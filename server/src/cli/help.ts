import type { Locale } from '../core/l10n/locale';
import { HELP } from './usage';

// The dispatcher's own words, in the languages the command bundles speak. They stay here, not in
// the catalogs: `isola help` loads nothing but the dispatcher (a few KB of text).
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
  build [DIR] --package CODE [--kind KIND] [--out FILE] [--title T] [--comment C]
        [--data none|all|APP,...] [--design all|none]
                     собрать пакет (отказ, пока есть ошибки изоляции)
  inspect FILE [--format text|json]
                     показать описание пакета, шаги импорта и элементы архива (с проверкой)
  import FILE [--env NAME] [--dry-run] [--on-conflict cancel|replace] [--as CODE] [--format text|json]
         [--design all|none] [--data none|all|APP,...] [--confirm NAME]
                     проверить пакет против окружения, показать план и импортировать выбранное
                     (по умолчанию всё); для рабочего (production) окружения нужен --confirm NAME
  export --package CODE [--kind namespace|app|solution|configuration] [--env NAME] --out FILE
         [--data none|all|APP,...] [--design all|none]
                     экспортировать из окружения в файл пакета
  unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]
                     записать объекты пакета манифестами в DIR (по умолчанию .), правя уже
                     существующие манифесты на месте; --force заменяет файлы, созданные не Isola
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

/** What the dispatcher says of a command it does not know. */
export function unknownCommand(command: string, locale: Locale | undefined): string {
  return locale === 'ru'
    ? `isola: неизвестная команда "${command}" (см. isola help)\n`
    : `isola: unknown command "${command}" (try: isola help)\n`;
}
