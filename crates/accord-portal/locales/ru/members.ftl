members-title = Члены
members-count = { $count ->
    [one] { $count } государство-член
    [few] { $count } государства-члена
   *[many] { $count } государств-членов
}
members-caption = Государства-члены, их принятие и действующие ключи
members-col-id = Код
members-col-name = Название
members-col-since = Принято в записи
members-col-key = Идентификатор действующего ключа
members-col-standing = Статус
members-suspended = лишено права голоса
members-in-good-standing = может голосовать
members-secretariat-note = Секретариат обслуживает узел и подписывает отметки времени; он не является государством-членом и не голосует:
members-secretariat-name = Секретариат
members-joined = Принято в записи
members-current-key = Действующий открытый ключ
members-key-since = действует с записи
members-statements-signed = Подписано заявлений
members-subscriptions = Присоединение к Кодексу
members-no-subscriptions = Этот член не присоединился ни к одной версии какого-либо документа.
members-subscribes-to = { $document }, версия { $version }
members-since = с записи
members-votes = Поданные голоса
members-no-votes = Нет зарегистрированных голосов.
members-col-vote = Голос
members-col-explanation = Мотивы голосования
members-col-entry = Запись журнала
members-vote-yes = за
members-vote-no = против
members-vote-abstain = воздержался
members-latest-votes-only = { $count ->
    [one] Показан последний { $count } голос.
    [few] Показаны последние { $count } голоса.
   *[many] Показаны последние { $count } голосов.
}
members-statements = Заявления в журнале
members-no-statements = Заявлений пока нет.
members-col-type = Тип
members-col-seq = Порядковый номер
members-statements-pages = Более ранние заявления
members-older = Более ранние заявления
