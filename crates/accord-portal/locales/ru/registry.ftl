# Реестр корневой зоны: /registry и /registry/{tld}.
nav-registry = Корневая зона
registry-title = Реестр корневой зоны
registry-intro = Делегирования корневой зоны меняются только по решению членов; каждое изменение и каждая образованная им версия зоны — запись в журнале.
registry-none = Реестра пока нет: секретариат ещё не импортировал корневую зону.
registry-serial = Текущий серийный номер
registry-formed = Образована
registry-cause-import = Первоначальный импорт корневой зоны
registry-cause-change = Изменение, принятое по предложению
registry-cause-resign = Еженедельная переподпись
registry-published = Опубликована
registry-published-yes = Зафиксировано в записи
registry-published-no = Не зафиксировано
registry-not-published-yet = Публикация ещё не зафиксирована.
registry-sha256 = `SHA-256`
registry-trust-anchor = Якорь доверия (`DS` ключа подписи ключей)
registry-no-trust-anchor = Не удалось прочитать ключ подписи ключей.
registry-zone-file = Подписанный файл зоны
registry-source = Импортированный файл зоны
registry-versions = Последние версии зоны
registry-col-serial = Серийный номер
registry-col-time = Время
registry-col-cause = Причина
registry-col-entry = Запись
registry-col-published = Публикация
registry-tlds = Домены верхнего уровня
registry-tld-count = { $count ->
    [one] Делегирован { $count } домен верхнего уровня.
    [few] Делегировано { $count } домена верхнего уровня.
   *[many] Делегировано { $count } доменов верхнего уровня.
}
registry-go-label = Перейти к домену верхнего уровня
registry-go = Показать
registry-find-hint = Для поиска по списку воспользуйтесь поиском браузера (`Ctrl+F`).
registry-col-tld = Домен
registry-col-sponsor = Спонсор
registry-col-ns = Серверы имён
registry-col-signed = Подпись
registry-signed = подписан
registry-unsigned = не подписан
registry-unknown-tld = Такого домена верхнего уровня в реестре нет: проверьте написание или найдите его в списке всех доменов верхнего уровня.
registry-ns = Серверы имён (`NS`)
registry-glue = Связующие адреса
registry-no-glue = Нет (серверы имён находятся вне этого домена)
registry-ds = Подписант делегирования (`DS`)
registry-no-ds = Записей `DS` нет: домен не подписан.
registry-ds-count = { $count ->
    [0] записей `DS` нет
    [one] { $count } запись `DS`
    [few] { $count } записи `DS`
   *[many] { $count } записей `DS`
}
registry-became-removed = Удалён из зоны
registry-back = Все домены верхнего уровня
registry-tld-heading = Домен верхнего уровня
registry-current = Текущее делегирование
registry-since = Установлено записью
registry-not-delegated = Этот домен больше не делегирован.
registry-history = История делегирования
registry-col-decision = Решение
registry-col-became = Результат
registry-decision-proposal = Предложение
registry-decision-import = Первоначальный импорт
