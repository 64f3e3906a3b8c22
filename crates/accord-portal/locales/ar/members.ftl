members-title = الأعضاء
members-count = { $count ->
    [zero] لا دول أعضاء
    [one] دولة عضو واحدة
    [two] دولتان عضوان
    [few] { $count } دول أعضاء
    [many] { $count } دولة عضوًا
   *[other] { $count } دولة عضو
}
members-caption = الدول الأعضاء وتاريخ قبولها ومفاتيحها السارية
members-col-id = الرمز
members-col-name = الاسم
members-col-since = قُبل في المدخل
members-col-key = معرف المفتاح الساري
members-col-standing = الوضع
members-suspended = موقوف عن التصويت
members-in-good-standing = يحق له التصويت
members-secretariat-note = تشغّل الأمانة العقدة وتوقّع علامات الوقت؛ وهي ليست دولة عضوًا ولا تصوّت:
members-secretariat-name = الأمانة
members-joined = قُبل في المدخل
members-current-key = المفتاح العام الساري
members-key-since = ساري منذ المدخل
members-statements-signed = البيانات الموقعة
members-subscriptions = الانضمام إلى المدونة
members-no-subscriptions = لم ينضم هذا العضو إلى أي صيغة من أي وثيقة.
members-subscribes-to = { $document }، الصيغة { $version }
members-since = منذ المدخل
members-votes = الأصوات المدلى بها
members-no-votes = لا يوجد تصويت مسجل.
members-col-vote = التصويت
members-col-explanation = تعليل التصويت
members-col-entry = مدخل السجل
members-vote-yes = نعم
members-vote-no = لا
members-vote-abstain = امتناع
members-latest-votes-only = { $count ->
    [one] يُعرض آخر صوت فقط.
    [two] يُعرض آخر صوتين.
    [few] تُعرض آخر { $count } أصوات.
    [many] تُعرض آخر { $count } صوتًا.
   *[other] تُعرض آخر { $count } صوت.
}
members-statements = البيانات في السجل
members-no-statements = لا توجد بيانات بعد.
members-col-type = النوع
members-col-seq = الرقم التسلسلي
members-statements-pages = بيانات أقدم
members-older = بيانات أقدم
