witnesses-title = Свидетели
witnesses-intro = Свидетели — это серверы, которые ведут государства-члены. Каждый из них проверяет, что каждая новая контрольная точка журнала продолжает те, что он видел раньше, и затем ставит на ней свою сопроводительную подпись. Контрольную точку, подписанную достаточным числом свидетелей, журнал не мог бы показать разным читателям по-разному, не будучи разоблачённым.
witnesses-policy-heading = Действующая политика
witnesses-quorum-none-registered = Ни один свидетель не зарегистрирован, поэтому сопроводительные подписи не требуются (`quorum none`): контрольная точка держится только на подписи журнала.
witnesses-quorum-none = Ни один зарегистрированный свидетель не учитывается в кворуме, поэтому сопроводительные подписи не требуются (`quorum none`): контрольная точка держится только на подписи журнала.
witnesses-quorum-intro = Контрольная точка достигает кворума, когда на ней есть действительные сопроводительные подписи:
witnesses-quorum-counted = { $n ->
    [1] единственного учитываемого свидетеля
   *[other] { $k } из { $n } учитываемых свидетелей
}
witnesses-quorum-group = { $n ->
    [1] единственного учитываемого свидетеля группы { $group }
   *[other] не менее { $k } из { $n } учитываемых свидетелей группы { $group }
}
witnesses-quorum-witness = свидетеля государства
witnesses-set-by = Эти правила о свидетелях установлены решением по предложению
witnesses-set-by-genesis = Эти правила о свидетелях — правила учреждения: ни одно решение их не меняло.
witnesses-policy-text = Политика в формате `C2SP tlog-policy`, действующая для контрольной точки { $size }
witnesses-policy-raw = Политика в том виде, в каком её получают проверяющие:
witnesses-registered-heading = Зарегистрированные свидетели
witnesses-none-registered = Ни одно государство-член не зарегистрировало свидетеля.
witnesses-legend = Знаки в строках результатов:
witnesses-result-cosigned = подписал
witnesses-result-bad = недействительная подпись
witnesses-result-refused = отклонил контрольную точку
witnesses-result-unreachable = недоступен
witnesses-result-busy = ещё занят, не опрошен
witnesses-result-late = ответил слишком поздно
witnesses-url = Адрес
witnesses-vkey = Ключ проверки
witnesses-counted = Учитывается в кворуме
witnesses-counted-yes = Да
witnesses-counted-no = Нет
witnesses-since = Зарегистрирован в записи
witnesses-availability = Недавняя доступность
witnesses-availability-share = Подписал { $k } из последних { $n } контрольных точек ({ $percent } %).
witnesses-availability-none = С запуска этого узла ещё не опрашивался.
witnesses-last-cosigned = Последняя сопроводительная подпись
witnesses-last-problem = Последняя проблема
witnesses-row-label = Последние результаты ({ $n }), от старых к новым
witnesses-row-item = Контрольная точка { $size }: { $result }
witnesses-recent-heading = Недавние контрольные точки
witnesses-recent-caption = Последние контрольные точки, опубликованные этим узлом ({ $count }), от новых к старым
witnesses-col-size = Записи (размер дерева)
witnesses-col-published = Опубликована
witnesses-col-cosigned = Подписали
witnesses-col-quorum = Кворум
witnesses-cosigned-nobody = ни один свидетель
witnesses-quorum-met = кворум достигнут
witnesses-quorum-not-met = кворум не достигнут
witnesses-quorum-not-required = подписи не требуются
witnesses-line-cosigned = Сопроводительные подписи свидетелей:
witnesses-line-link = Свидетели и их политика
witnesses-line-none = Ни один свидетель не подписывает этот журнал: его политика не требует сопроводительных подписей.
