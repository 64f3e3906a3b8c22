## Список предложений

proposals-title = Предложения и решения
proposals-filter-label = Показать
proposals-filter-all = Все предложения
proposals-filter-open = Открытые (на рассмотрении или голосовании)
proposals-filter-decided = Решённые (принятые, отклонённые или не состоявшиеся)
proposals-filter-show = Применить
proposals-count = Найдено предложений и поправок: { $count }
proposals-list-caption = Предложения и поправки, сначала новые
proposals-none-found = Ни одно предложение не соответствует выбору.
proposals-beyond-end = Страницы { $page } нет: в списке страниц — { $pages }.
proposals-back-to-last = Перейти на последнюю страницу
proposals-pages = Страницы списка
proposals-previous = Предыдущая страница
proposals-next = Следующая страница
proposals-page-of = Страница { $page } из { $pages }
proposals-sponsor = Автор
proposals-procedure = Процедура
proposals-deadline = Срок
proposals-tally = Итоги
proposals-tally-short = За { $yes }, против { $no }, воздержались { $abstain }
proposals-by-consensus = Без голосования: консенсус
proposals-no-count = Подсчёта нет
proposals-silence-no-vote = Голосования нет, пока молчание не нарушено
proposals-amends = Поправка к:
proposals-bad-page = Номер страницы должен быть целым числом от 1 (получено `{ $got }`).
proposals-bad-status = Неизвестный статус `{ $got }`. Выберите один из: `{ $allowed }`.
proposals-bad-query = Не удаётся прочитать параметры адреса: { $why }
proposals-procedure-vote = заносимое в отчёт голосование
proposals-procedure-silence = процедура молчания

## Одно предложение

proposals-bad-id = `{ $got }` — не идентификатор предложения: от 1 до 64 символов из a–z, 0–9 и «-», не начиная с «-».
proposals-unknown = Предложения или поправки с таким идентификатором нет.
proposals-status = Статус:
proposals-adopted-by-vote = заносимым в отчёт голосованием
proposals-adopted-by-consensus = консенсусом по процедуре молчания
proposals-cosponsors = Соавторы
proposals-none = нет
proposals-question = Вопрос
proposals-question-ordinary = обычный вопрос
proposals-question-important = важный вопрос
proposals-submitted = Внесено
proposals-closed-at = Решено в записи
proposals-text = Текст
proposals-original-text = Текст в первоначальной редакции
proposals-action = Предлагаемая мера
proposals-action-json = Мера в подписанном виде (JSON)
proposals-action-unknown = Портал не умеет описывать эту меру; ниже приведён её JSON.
proposals-action-result = Что с ней стало:
proposals-result-not-applied = Не применено:
proposals-result-admitted = { $member } принят(а) в члены.
proposals-result-suspended = Членство { $member } приостановлено.
proposals-result-reinstated = Членство { $member } восстановлено.
proposals-result-rules = Правила процедуры изменены.
proposals-result-version = Принята версия { $n } документа { $document }.
proposals-result-translated = Статья { $article } теперь есть и на языке: { $lang }.
proposals-action-admit = Принять в качестве государства-члена:
proposals-action-key = Его открытый ключ:
proposals-action-suspend = Лишить права голоса:
proposals-action-reinstate = Восстановить право голоса:
proposals-action-rules = Изменить следующие правила процедуры:
proposals-action-establish = Учредить новый документ Кодекса в качестве его версии 1:
proposals-action-articles = Статей в версии 1: { $count }
proposals-action-amend = Подготовить новую версию документа
proposals-action-base = изменив версию { $version } следующим образом:
proposals-action-translate = Утвердить перевод одной статьи Кодекса:
proposals-action-document = Документ:
proposals-action-version = Версия: { $version }
proposals-action-article = Статья: `{ $article }`
proposals-action-language = Язык:
proposals-change-insert-after = Вставить статью `{ $article }` после статьи `{ $after }`
proposals-change-insert-first = Вставить статью `{ $article }` в начало
proposals-change-replace = Заменить статью `{ $article }`
proposals-change-delete = Исключить статью `{ $article }`
proposals-change-reword = Изменить формулировку статьи `{ $article }` на языке `{ $lang }`
proposals-change-proposed = Предлагаемый текст
proposals-rule-ordinary-majority = Большинство для обычных вопросов
proposals-rule-important-majority = Большинство для важных вопросов
proposals-rule-important-actions = Меры, делающие вопрос важным
proposals-rule-quorum = Кворум
proposals-rule-min-silence = Наименьший срок процедуры молчания
proposals-rule-min-vote = Наименьший срок заносимого в отчёт голосования
proposals-rule-silence-vote = Срок голосования после возражения
proposals-rule-vote-change = Члены могут изменить свой голос
proposals-seconds = { $n ->
    [one] { $n } секунда
    [few] { $n } секунды
   *[many] { $n } секунд
}
proposals-yes = да
proposals-no = нет
proposals-majority-simple = простое большинство поданных голосов (голосов «за» больше, чем «против»)
proposals-majority-two-thirds = две трети поданных голосов
proposals-quorum-none = не требуется
proposals-quorum-one-third = участвует не менее трети членов, имеющих право голоса
proposals-quorum-majority = участвует более половины членов, имеющих право голоса
proposals-quorum-two-thirds = участвует не менее двух третей членов, имеющих право голоса
proposals-amendments = Поправки
proposals-amendments-order = Поправки ставятся на голосование в этом порядке, до самого предложения.

## Процедура молчания

proposals-silence = Процедура молчания
proposals-silence-unbroken = Молчание не нарушено: если до истечения срока ни один член не возразит, предложение принимается консенсусом.
proposals-silence-until = Срок:
proposals-silence-held = Молчание не было нарушено: предложение принято консенсусом по истечении срока.
proposals-silence-not-broken = Молчание не было нарушено.
proposals-silence-broken = Молчание нарушено: { $member }, запись № { $entry }.
proposals-silence-vote-until = Предложение поставлено на заносимое в отчёт голосование, которое завершается:
proposals-objections = Возражения
proposals-dissociations = Заявления о несогласии
proposals-dissociations-hint = Член, заявивший о несогласии, не препятствует консенсусу, но фиксирует, что не присоединяется к нему.
proposals-no-dissociations = Ни один член не заявил о несогласии.
proposals-member = Член
proposals-reason = Причина
proposals-entry = Запись журнала

## Заносимое в отчёт голосование

proposals-recorded-vote = Заносимое в отчёт голосование
proposals-no-votes = Голосов пока не подано.
proposals-votes-caption = Как голосовал каждый член
proposals-vote = Голос
proposals-explanation = Объяснение мотивов голосования
proposals-vote-yes = За
proposals-vote-no = Против
proposals-vote-abstain = Воздержался
proposals-not-voting = Не голосовали
proposals-tally-final = Окончательный подсчёт, произведённый при закрытии голосования в записи
proposals-tally-live = Подсчёт на данный момент; голосование открыто до
proposals-tally-not-final = Этот подсчёт не окончательный: голосование закрыто без подсчёта.
proposals-chart-title = Итоги голосования
proposals-chart-desc = За: { $yes }. Против: { $no }. Воздержались: { $abstain }. Не голосовали: { $none }.
proposals-majority = Большинство и кворум
proposals-rules-now = По правилам процедуры, действующим сейчас:
proposals-majority-required = Требуемое большинство:
proposals-taking-part = Участвуют: { $n } из { $of } членов, имеющих право голоса.
proposals-quorum-met = Кворум был.
proposals-quorum-not-met = Кворума не было: предложение не прошло.
proposals-majority-met = Требуемое большинство достигнуто.
proposals-majority-not-met = Требуемое большинство не достигнуто.

## Записи журнала

proposals-entries = Записи журнала
proposals-entries-hint = Каждое действие по этому предложению — подписанная запись открытого журнала. Откройте запись, чтобы увидеть её и проверить доказательство.
proposals-entry-submitted = внесено: { $member }
proposals-entry-cosponsor = соавтор: { $member }
proposals-entry-objection = возражение: { $member }
proposals-entry-dissociation = несогласие: { $member }
proposals-entry-amendment = внесена поправка { $id }
proposals-entry-vote = голос: { $member }
proposals-entry-closed = голосование закрыто

## Корневая зона (zone.change)
proposals-action-zone-add = Делегировать домен верхнего уровня
proposals-action-zone-change = Изменить делегирование домена верхнего уровня
proposals-action-zone-remove = Отменить делегирование домена верхнего уровня
proposals-action-zone-ns = Серверы имён:
proposals-action-zone-glue = Связующие адреса:
proposals-action-zone-ds = Записи `DS` (`DNSSEC`):
proposals-action-zone-no-ds = Записей `DS` нет: домен не подписан.
proposals-action-zone-sponsor = Спонсор:
proposals-action-zone-checks = Технические проверки, пройденные при внесении:
proposals-result-zone = `{ $tld }` изменён в корневой зоне, серийный номер `{ $serial }`.
zone-check-ns-count = от двух до тринадцати серверов имён
zone-check-ns-host-names = допустимые имена хостов серверов имён (`RFC 1123`)
zone-check-ns-reachable = каждый сервер имён находится в делегированном домене верхнего уровня
zone-check-ns-distinct-addresses = у серверов имён разные адреса
zone-check-glue-present = у серверов имён внутри домена есть связующие записи
zone-check-glue-consistent = связующие записи только для используемых хостов внутри домена
zone-check-addresses-global = нет частных, зарезервированных или нераспределённых адресов
zone-check-ds-algorithm = известные и допустимые алгоритмы `DS`
zone-check-ds-digest = известные типы хеша `DS`, хеши правильной длины
zone-check-referral-size = ответ-переадресация умещается в 1232 октета с `EDNS` и в 512 без него
zone-check-limits = в пределах ограничений реестра
zone-check-not-in-use = от удаляемого домена ничто не зависит
